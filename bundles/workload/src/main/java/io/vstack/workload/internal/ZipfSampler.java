package io.vstack.workload.internal;

import java.util.SplittableRandom;

/**
 * Draws ranks 1..n with probability proportional to {@code 1 / k^exponent}, in constant time and
 * without allocation or tables, by rejection-inversion (W. Hörmann and G. Derflinger,
 * "Rejection-inversion to generate variates from monotone discrete distributions", ACM TOMACS
 * 6(3), 1996), as in Apache Commons RNG's {@code RejectionInversionZipfSampler}. Immutable; the
 * caller brings its own generator.
 */
final class ZipfSampler {

    private final long n;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    /**
     * @param n        number of ranks, at least 1
     * @param exponent skew, positive
     */
    ZipfSampler(long n, double exponent) {
        if (n < 1 || !(exponent > 0)) {
            throw new IllegalArgumentException("zipf needs n >= 1 and a positive exponent: " + n + ", " + exponent);
        }
        this.n = n;
        this.exponent = exponent;
        this.hIntegralX1 = hIntegral(1.5) - 1d;
        this.hIntegralN = hIntegral(n + 0.5);
        this.s = 2d - hIntegralInverse(hIntegral(2.5) - h(2));
    }

    /** A rank from 1 (the most likely) to n. */
    long sample(SplittableRandom random) {
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            long k = (long) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    private double hIntegral(double x) {
        double logX = Math.log(x);
        return helper2((1d - exponent) * logX) * logX;
    }

    private double h(double x) {
        return Math.exp(-exponent * Math.log(x));
    }

    private double hIntegralInverse(double x) {
        double t = x * (1d - exponent);
        if (t < -1d) {
            t = -1d;
        }
        return Math.exp(helper1(t) * x);
    }

    /** log(1 + x) / x, also near 0. */
    private static double helper1(double x) {
        return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x * (0.5 - x * (1d / 3 - 0.25 * x));
    }

    /** (exp(x) - 1) / x, also near 0. */
    private static double helper2(double x) {
        return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
    }
}
