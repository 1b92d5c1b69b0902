package io.vstack.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vstack.api.cache.EvictionListener;
import io.vstack.api.cache.EvictionPolicy;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Hit throughput over a full cache with Zipf(0.99) keys: the default policy's {@code lookup}
 * against Caffeine's {@code getIfPresent} and {@code ConcurrentHashMap.get}, in one run. Run with
 * {@code -t 1} and {@code -t 2}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HitThroughputBenchmark {

    static final int CAPACITY = 1 << 16;
    static final int SAMPLES = 1 << 20;

    /** The caches, full, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Caches {
        EvictionPolicy twoPhase;
        Cache<Long, Long> caffeine;
        ConcurrentHashMap<Long, Long> map;
        long[] keys;
        Long[] boxed;

        @Setup
        public void fill() {
            twoPhase = new TwoPhaseFactory().create(CAPACITY, EvictionListener.NONE);
            caffeine = Caffeine.newBuilder().maximumSize(CAPACITY).build();
            map = new ConcurrentHashMap<>(2 * CAPACITY);
            for (long key = 0; key < CAPACITY; key++) {
                twoPhase.admit(key);
                caffeine.put(key, key);
                map.put(key, key);
            }
            caffeine.cleanUp();
            keys = zipf(SAMPLES, CAPACITY, 0.99, 42);
            boxed = new Long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                boxed[i] = keys[i];
                if (twoPhase.lookup(keys[i]) < 0 || caffeine.getIfPresent(boxed[i]) == null) {
                    throw new IllegalStateException("key " + keys[i] + " not resident: the cache must be full");
                }
            }
        }
    }

    /** Each thread's position in the key sequence. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        @Setup
        public void start() {
            next = (int) (Thread.currentThread().getId() * 7919) & (SAMPLES - 1);
        }
    }

    /** {@code samples} keys of {@code 0..n-1}, Zipf(s) by rank, ranks scattered over the key space. */
    static long[] zipf(int samples, int n, double s, long seed) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        SplittableRandom random = new SplittableRandom(seed);
        long[] rankToKey = new long[n];
        for (int i = 0; i < n; i++) {
            rankToKey[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = rankToKey[i];
            rankToKey[i] = rankToKey[j];
            rankToKey[j] = t;
        }
        long[] keys = new long[samples];
        for (int i = 0; i < samples; i++) {
            double u = random.nextDouble() * sum;
            int lo = 0;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            keys[i] = rankToKey[lo];
        }
        return keys;
    }

    @Benchmark
    public int twoPhaseLookup(Caches caches, Cursor cursor) {
        int i = cursor.next++ & (SAMPLES - 1);
        return caches.twoPhase.lookup(caches.keys[i]);
    }

    @Benchmark
    public Long caffeineGetIfPresent(Caches caches, Cursor cursor) {
        int i = cursor.next++ & (SAMPLES - 1);
        return caches.caffeine.getIfPresent(caches.boxed[i]);
    }

    @Benchmark
    public Long concurrentHashMapGet(Caches caches, Cursor cursor) {
        int i = cursor.next++ & (SAMPLES - 1);
        return caches.map.get(caches.boxed[i]);
    }
}
