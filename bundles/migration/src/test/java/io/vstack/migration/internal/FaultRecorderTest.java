package io.vstack.migration.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FaultRecorderTest {

    @Test
    void recordsEveryFaultExactlyAndCountsThoseStillAwaited() {
        FaultRecorder r = new FaultRecorder(8);
        r.requested(3, 1_000);
        r.requested(5, 2_000);
        r.requested(3, 1_500); // a resend keeps the first time
        assertEquals(2, r.outstanding());
        r.placed(3, 4_000);
        assertEquals(1, r.outstanding());
        r.placed(3, 9_000); // a second copy: no second sample
        r.placed(7, 9_000); // pushed, nobody asked: no sample
        assertEquals(1, r.outstanding());
        r.placed(5, 2_500);
        assertEquals(0, r.outstanding());
        assertEquals(2, r.faults());
        assertEquals(500, r.percentile(50));
        assertEquals(3_000, r.percentile(99));
        assertEquals(3_000, r.max());
    }
}
