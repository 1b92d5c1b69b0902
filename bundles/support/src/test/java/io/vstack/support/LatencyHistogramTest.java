package io.vstack.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.metrics.Distribution;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void bucketsArePowersOfTwoFromAMicrosecond() {
        assertEquals(0, LatencyHistogram.bucket(0));
        assertEquals(0, LatencyHistogram.bucket(1024));
        assertEquals(1, LatencyHistogram.bucket(1025));
        assertEquals(1, LatencyHistogram.bucket(2048));
        assertEquals(20, LatencyHistogram.bucket(1L << 30));
        assertEquals(21, LatencyHistogram.bucket((1L << 30) + 1));
        assertEquals(21, LatencyHistogram.bucket(Long.MAX_VALUE));
    }

    @Test
    void countsEachSeriesApartCumulativelyInSeconds() throws Exception {
        LatencyHistogram h = new LatencyHistogram(2);
        h.record(0, 500);
        h.record(0, 3_000);
        Thread other = new Thread(() -> h.record(0, 5_000_000_000L), "histogram-test");
        other.start();
        other.join();
        h.record(1, 100);
        Distribution d = h.distribution(0);
        assertEquals(3, d.count());
        assertEquals(5.0000035, d.sum(), 1e-12);
        List<Distribution.Bucket> b = d.buckets();
        assertEquals(22, b.size());
        assertEquals(1.024e-6, b.get(0).upperBound(), 1e-15);
        assertEquals(1, b.get(0).count());
        assertEquals(1, b.get(1).count());
        assertEquals(2, b.get(2).count());
        assertEquals(2, b.get(20).count());
        assertEquals(3, b.get(21).count());
        assertEquals(Double.POSITIVE_INFINITY, b.get(21).upperBound());
        assertEquals(1, h.distribution(1).count());
        assertThrows(IndexOutOfBoundsException.class, () -> h.distribution(2));
        h.recordSample(1, 3_000);
        assertEquals(1 + LatencyHistogram.SAMPLE, h.distribution(1).count());
        assertEquals(LatencyHistogram.SAMPLE * 3e-6 + 1e-7, h.distribution(1).sum(), 1e-12);
        assertEquals(1 + LatencyHistogram.SAMPLE, h.distribution(1).buckets().get(2).count());
    }
}
