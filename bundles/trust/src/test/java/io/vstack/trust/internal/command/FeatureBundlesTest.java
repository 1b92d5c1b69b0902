package io.vstack.trust.internal.command;

import static io.vstack.trust.internal.Fakes.fake;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.trust.TrustException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Conditional;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.junit.jupiter.api.Test;

/** The bundles of a feature: its own, conditional ones, its dependencies' (highest matching version), once each. */
class FeatureBundlesTest {

    private static BundleInfo bundle(String location) {
        return fake(BundleInfo.class, Map.of("getLocation", args -> location));
    }

    private static Dependency dependency(String name, String version) {
        return fake(Dependency.class, Map.of("getName", args -> name, "getVersion", args -> version));
    }

    private static Feature feature(String name, String version, List<BundleInfo> bundles, List<Dependency> dependencies,
                                   List<Conditional> conditionals) {
        return fake(Feature.class, Map.of("getName", args -> name, "getVersion", args -> version,
                "getId", args -> name + "/" + version, "getBundles", args -> bundles,
                "getDependencies", args -> dependencies, "getConditional", args -> conditionals));
    }

    /** Answers getFeatures(name, version) with every feature of that name (the version is the service's business). */
    private static FeaturesService repository(Feature... features) {
        return fake(FeaturesService.class, Map.of("getFeatures", args -> Arrays.stream(features)
                .filter(f -> f.getName().equals(args[0])).toArray(Feature[]::new)));
    }

    @Test
    void collectsOwnConditionalAndDependencyBundlesOnce() throws Exception {
        Conditional conditional = fake(Conditional.class, Map.of("getBundles", args -> List.of(bundle("mvn:c/c/1")),
                "getDependencies", args -> List.of()));
        Feature web = feature("web", "1.0.0", List.of(bundle("mvn:a/a/1"), bundle(" mvn:b/b/1 ")),
                List.of(dependency("http", "0.0.0")), List.of(conditional));
        Feature oldHttp = feature("http", "1.0.0", List.of(bundle("mvn:h/h/1")), List.of(), List.of());
        Feature http = feature("http", "2.0.0", List.of(bundle("mvn:h/h/2"), bundle("mvn:a/a/1")),
                List.of(dependency("web", "1.0.0")), List.of());

        FeatureBundles resolved = FeatureBundles.of(repository(web, oldHttp, http), "web", null);

        assertEquals("web/1.0.0", resolved.feature());
        assertEquals(List.of("mvn:a/a/1", "mvn:b/b/1", "mvn:c/c/1", "mvn:h/h/2"),
                resolved.locations().stream().map(URI::toString).toList());
    }

    @Test
    void anUnknownFeatureOrDependencyIsAOneLineError() {
        Feature web = feature("web", "1.0.0", List.of(), List.of(dependency("http", "[2,3)")), List.of());
        FeaturesService repository = repository(web);
        assertEquals("no features repository provides feature nope (feature:repo-list, feature:list)",
                assertThrows(TrustException.class, () -> FeatureBundles.of(repository, "nope", null)).getMessage());
        assertEquals("feature web/1.0.0 depends on feature http [2,3), which no features repository provides "
                + "(feature:repo-list, feature:list)",
                assertThrows(TrustException.class, () -> FeatureBundles.of(repository, "web", null)).getMessage());
    }
}
