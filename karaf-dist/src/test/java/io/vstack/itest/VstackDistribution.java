package io.vstack.itest;

import static org.ops4j.pax.exam.CoreOptions.when;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Stream;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;

/**
 * Boots the distribution this build assembled (by file URL), offline: bundles come from its
 * system/ folder or the build's local repository, never from the network. Opens no fixed port.
 */
final class VstackDistribution {

    private static final String MVN_CFG = "etc/org.ops4j.pax.url.mvn.cfg";

    private VstackDistribution() {
    }

    /** The options every integration test uses, plus {@code extra}. */
    static Option[] options(Option... extra) {
        String dist = requiredProperty("vstack.dist");
        String localRepository = requiredProperty("maven.repo.local");
        Option[] base = {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(dist).toURI().toString())
                    .name("vstack")
                    .karafVersion("4.4.10")
                    .unpackDirectory(new File("target/exam"))
                    .useDeployFolder(false),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevel.WARN),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.localRepository", localRepository),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut(MVN_CFG, "org.ops4j.pax.url.mvn.offline", "true"),
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "updateSnapshots", "none"),
            when(Boolean.getBoolean("vstack.keepRuntime")).useOptions(keepRuntimeFolder()),
        };
        return Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(Option[]::new);
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the integration tests through Maven");
        }
        return value;
    }
}
