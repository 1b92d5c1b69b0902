package io.vstack.trust.internal;

import io.vstack.api.trust.BinaryIdentity;
import io.vstack.api.trust.TrustRecord;
import io.vstack.api.trust.Verdict;
import io.vstack.trust.internal.BundleEvaluator.BundleFacts;
import io.vstack.trust.internal.BundleEvaluator.Evaluation;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation of each installed bundle, kept until something it depends on changes: the
 * bundle's revision, the stamp of its location file, the trust store's generation or the
 * configuration ({@link #invalidateAll}). The system bundle is always trusted ("build").
 * <p>Thread-safe: the framework hooks call it from any thread.
 */
final class EvaluationCache {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationCache.class);
    static final String NO_DIGEST = "0".repeat(64);

    private record Cached(long bundleModified, Optional<String> stamp, long storeGeneration, long configGeneration,
                          Evaluation evaluation) {
    }

    private final BundleEvaluator evaluator;
    private final BundleSource source;
    private final FileTrustStore store;
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();
    private volatile long configGeneration;

    EvaluationCache(BundleEvaluator evaluator, BundleSource source, FileTrustStore store) {
        this.evaluator = evaluator;
        this.source = source;
        this.store = store;
    }

    /** The evaluation of {@code bundle}, from the cache when nothing it depends on changed. */
    Evaluation evaluate(Bundle bundle) {
        long id = bundle.getBundleId();
        if (id == 0) {
            return systemEvaluation(bundle);
        }
        Optional<String> stamp = source.stamp(bundle.getLocation());
        Cached cached = cache.get(id);
        long storeGeneration = store.generation();
        long generation = configGeneration;
        if (cached != null && cached.bundleModified() == bundle.getLastModified() && cached.stamp().equals(stamp)
                && cached.storeGeneration() == storeGeneration && cached.configGeneration() == generation) {
            return cached.evaluation();
        }
        Evaluation evaluation = evaluator.evaluate(facts(bundle));
        cache.put(id, new Cached(bundle.getLastModified(), stamp, storeGeneration, generation, evaluation));
        return evaluation;
    }

    /** Drops the evaluation of one bundle (installed, updated, uninstalled). */
    void forget(long bundleId) {
        cache.remove(bundleId);
    }

    /** Drops every evaluation: the configuration or the store changed under them. */
    void invalidateAll() {
        configGeneration++;
        cache.clear();
    }

    private static Evaluation systemEvaluation(Bundle bundle) {
        BinaryIdentity identity = new BinaryIdentity(bundle.getLocation(), String.valueOf(bundle.getSymbolicName()),
                bundle.getVersion().toString(), NO_DIGEST, NO_DIGEST, Optional.empty());
        return new Evaluation(new Verdict.Trusted(new TrustRecord(identity, "build",
                Instant.ofEpochMilli(bundle.getLastModified()), false)), Optional.of(identity), true);
    }

    private static BundleFacts facts(Bundle bundle) {
        Optional<String> manifest = Optional.empty();
        URL entry = bundle.getEntry(JarInspection.MANIFEST);
        if (entry != null) {
            try (InputStream in = entry.openStream()) {
                manifest = Optional.of(JarInspection.manifestDigest(in));
            } catch (IOException e) {
                LOG.debug("manifest of bundle {} unreadable", bundle.getBundleId(), e);
            }
        }
        return new BundleFacts(bundle.getBundleId(), String.valueOf(bundle.getSymbolicName()), bundle.getLocation(), manifest);
    }
}
