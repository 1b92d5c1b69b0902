package io.vstack.trust.internal.command;

import io.vstack.api.trust.TrustException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.karaf.features.BundleInfo;
import org.apache.karaf.features.Conditional;
import org.apache.karaf.features.Dependency;
import org.apache.karaf.features.Feature;
import org.apache.karaf.features.FeaturesService;
import org.osgi.framework.Version;

/**
 * The bundles {@code feature:install} may install for a feature: its own, its conditional ones,
 * and those of the features it depends on, transitively, each location once.
 *
 * @param feature   the feature resolved, {@code name/version}
 * @param locations its bundle locations, in feature order
 */
record FeatureBundles(String feature, List<URI> locations) {

    /**
     * Resolves {@code name} (and {@code version}, a version or range; the highest if absent) through
     * the features service's repositories.
     *
     * @throws TrustException naming the feature if no repository provides it, or a location that is no URI
     */
    static FeatureBundles of(FeaturesService features, String name, String version) throws TrustException {
        Feature root = find(features, name, version, null);
        Set<String> locations = new LinkedHashSet<>();
        collect(features, root, new LinkedHashSet<>(), locations);
        List<URI> uris = new ArrayList<>(locations.size());
        for (String location : locations) {
            try {
                uris.add(new URI(location));
            } catch (URISyntaxException e) {
                throw new TrustException("feature " + root.getId() + ": bundle location '" + location + "' is not a URI");
            }
        }
        return new FeatureBundles(root.getName() + "/" + root.getVersion(), List.copyOf(uris));
    }

    private static void collect(FeaturesService features, Feature feature, Set<String> seen, Set<String> locations)
            throws TrustException {
        if (!seen.add(feature.getId())) {
            return;
        }
        List<BundleInfo> bundles = new ArrayList<>(feature.getBundles());
        List<Dependency> dependencies = new ArrayList<>(feature.getDependencies());
        for (Conditional conditional : feature.getConditional()) {
            bundles.addAll(conditional.getBundles());
            dependencies.addAll(conditional.getDependencies());
        }
        bundles.forEach(bundle -> locations.add(bundle.getLocation().strip()));
        for (Dependency dependency : dependencies) {
            collect(features, find(features, dependency.getName(), dependency.getVersion(), feature), seen, locations);
        }
    }

    private static Feature find(FeaturesService features, String name, String version, Feature dependent)
            throws TrustException {
        Feature[] found;
        try {
            found = features.getFeatures(name, version);
        } catch (Exception e) {
            throw new TrustException("cannot look up feature " + name + ": " + e.getMessage(), e);
        }
        String wanted = "feature " + name + (version == null ? "" : " " + version);
        return Arrays.stream(found == null ? new Feature[0] : found).max(Comparator.comparing(FeatureBundles::version))
                .orElseThrow(() -> new TrustException((dependent == null ? "no features repository provides " + wanted
                        : "feature " + dependent.getId() + " depends on " + wanted + ", which no features repository provides")
                        + " (feature:repo-list, feature:list)"));
    }

    private static Version version(Feature feature) {
        try {
            return Version.parseVersion(feature.getVersion());
        } catch (IllegalArgumentException e) {
            return Version.emptyVersion;
        }
    }
}
