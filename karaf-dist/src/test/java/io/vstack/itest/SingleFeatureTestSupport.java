package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Boots the distribution without the {@code vstack} aggregate, installs one vstack feature, and
 * checks that it brings exactly its own bundles (and those of the vstack features it names),
 * every bundle ACTIVE and every vstack component satisfied. One subclass, one fresh container,
 * per feature.
 */
public abstract class SingleFeatureTestSupport {

    /** The distribution's boot features, less the vstack aggregate. */
    private static final String BOOT_WITHOUT_VSTACK =
            "jaas,shell,ssh,bundle,config,deployer,diagnostic,feature,log,package,service,system,scr,eventadmin";

    @Inject
    FeaturesService features;

    @Inject
    BundleContext context;

    @Inject
    ServiceComponentRuntime scr;

    /** The feature under test. */
    protected abstract String feature();

    @Configuration
    public Option[] config() {
        return VstackDistribution.options(
                editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBoot", BOOT_WITHOUT_VSTACK));
    }

    @Test
    public void installsAloneWithAllBundlesActiveAndComponentsSatisfied() throws Exception {
        assertEquals("no vstack bundle before the feature is installed", List.of(), vstackBundles());
        Feature feature = features.getFeature(feature());
        features.installFeature(feature(), feature.getVersion());
        assertTrue(features.isInstalled(feature));

        List<String> expected = expectedBundles(feature);
        assertFalse(feature() + " brings at least one vstack bundle", expected.isEmpty());
        assertEquals(feature() + " brings exactly its own bundles", expected, vstackBundles());

        Eventually.await(feature() + ": every bundle ACTIVE (fragments RESOLVED)", () -> Arrays.stream(context.getBundles())
                .allMatch(b -> b.getState() == Bundle.ACTIVE
                        || (b.getHeaders().get(Constants.FRAGMENT_HOST) != null && b.getState() == Bundle.RESOLVED)));
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName().startsWith("io.vstack.")) {
                assertComponentsSatisfied(bundle);
            }
        }
    }

    /** Symbolic names of the vstack bundles of the feature and of the vstack features it includes, sorted. */
    private List<String> expectedBundles(Feature feature) throws Exception {
        Set<String> names = new TreeSet<>();
        collect(feature, names);
        return List.copyOf(names);
    }

    private void collect(Feature feature, Set<String> names) throws Exception {
        feature.getBundles().stream().map(bundle -> bundle.getLocation())
                .filter(location -> location.startsWith("mvn:io.vstack/"))
                .map(location -> location.split("/")[1])
                .forEach(names::add);
        for (var dependency : feature.getDependencies()) {
            if (dependency.getName().startsWith("vstack")) {
                collect(features.getFeature(dependency.getName()), names);
            }
        }
    }

    private List<String> vstackBundles() {
        return Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName)
                .filter(name -> name.startsWith("io.vstack.")).sorted().collect(Collectors.toList());
    }

    private void assertComponentsSatisfied(Bundle bundle) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            assertTrue(description.name + " enabled", scr.isComponentEnabled(description));
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                assertTrue(feature() + ": " + description.name + " satisfied, state " + configuration.state,
                        configuration.state == ComponentConfigurationDTO.SATISFIED
                                || configuration.state == ComponentConfigurationDTO.ACTIVE);
            }
        }
    }
}
