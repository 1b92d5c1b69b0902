package io.vstack.itest;

import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.FilterFramework;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Collection;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * The filter fixture bundle ({@code io.vstack.test.filter}, see
 * {@link VstackDistribution#fixtureJar()}) in a test container: deploy it, find it, and read
 * what {@code filter:list} says of its filters.
 */
final class FilterFixture {

    private FilterFixture() {
    }

    /** Where the fixture jar goes in the container's deploy/ folder. */
    static Path deployedJar() {
        return Path.of(System.getProperty("karaf.base"), "deploy", "vstack-test-filter.jar");
    }

    /** Drops the fixture jar into deploy/ (if it is not there) and waits until host esx1's framework offers {@code filters}. */
    static FilterFramework deploy(BundleContext context, Collection<String> filters) throws Exception {
        Path deployed = deployedJar();
        if (!Files.exists(deployed)) {
            Files.copy(Path.of(System.getProperty("vstack.fixture.jar")), deployed, StandardCopyOption.REPLACE_EXISTING);
        }
        FilterFramework esx1 = Frameworks.await(context, "esx1");
        Eventually.await("the fixture's filters deployed", () -> esx1.available().stream().map(FilterDescriptor::name)
                .toList().containsAll(filters));
        return esx1;
    }

    /** The fixture bundle. */
    static Bundle bundle(BundleContext context) {
        return Arrays.stream(context.getBundles()).filter(b -> "io.vstack.test.filter".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
    }

    /** Requests the filter {@code filter} of disk {@code disk} was given, from {@code filter:list}; 0 if it is not attached. */
    static long requests(SessionFactory sessions, String disk, String filter) throws Exception {
        // filter:list --no-format separates columns by tabs: disk, filter, state, on missing, requests, ...
        return Shell.execute(sessions, "filter:list --no-format").lines().map(l -> l.split("\t")).filter(f -> f.length > 4
                && f[0].trim().equals(disk) && f[1].trim().equals(filter)).mapToLong(f -> Long.parseLong(f[4].trim()))
                .findFirst().orElse(0);
    }
}
