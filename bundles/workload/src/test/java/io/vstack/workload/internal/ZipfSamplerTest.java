package io.vstack.workload.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistical checks on a bounded, seeded sample: deterministic, and far inside the tolerances. */
class ZipfSamplerTest {

    private static long[] histogram(long n, double exponent, int samples) {
        ZipfSampler zipf = new ZipfSampler(n, exponent);
        SplittableRandom random = new SplittableRandom(42);
        long[] counts = new long[(int) n + 1];
        for (int i = 0; i < samples; i++) {
            long k = zipf.sample(random);
            assertTrue(k >= 1 && k <= n, "rank " + k);
            counts[(int) k]++;
        }
        return counts;
    }

    @Test
    void frequenciesFollowOneOverKToTheExponent() {
        int n = 1000;
        int samples = 200_000;
        for (double exponent : new double[] {0.8, 1.0, 1.2}) {
            long[] counts = histogram(n, exponent, samples);
            double norm = 0;
            for (int k = 1; k <= n; k++) {
                norm += Math.pow(k, -exponent);
            }
            for (int k : new int[] {1, 2, 3, 10}) {
                double expected = samples * Math.pow(k, -exponent) / norm;
                // 5 standard deviations of a binomial count
                double sigma = Math.sqrt(expected * (1 - expected / samples));
                assertEquals(expected, counts[k], 5 * sigma, "exponent " + exponent + ", rank " + k);
            }
        }
    }

    @Test
    void skewConcentratesOnTheHotRanks() {
        long[] counts = histogram(10_000, 1.1, 100_000);
        long top1Percent = 0;
        for (int k = 1; k <= 100; k++) {
            top1Percent += counts[k];
        }
        // uniform: 1 %; Zipf(1.1) over 10,000 ranks: about 61 %
        assertTrue(top1Percent > 50_000, "top 1 % of ranks drew " + top1Percent + " of 100,000");
    }
}
