package io.vstack.hw.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.hw.DeviceFaultException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatedKnobsTest {

    @Test
    void offByDefaultLetsEveryOperationThrough() throws DeviceFaultException {
        SimulatedKnobs knobs = new SimulatedKnobs("esx1/local0", 1, Duration.ZERO, 0);
        for (int i = 0; i < 1000; i++) {
            knobs.beforeOperation("write");
        }
    }

    @Test
    void downFailsEveryOperationNamingTheDevice() {
        SimulatedKnobs knobs = new SimulatedKnobs("esx1/local0", 1, Duration.ZERO, 0);
        knobs.setDown(true);
        DeviceFaultException e = assertThrows(DeviceFaultException.class, () -> knobs.beforeOperation("write"));
        assertTrue(e.getMessage().contains("esx1/local0") && e.getMessage().contains("simulated"), e.getMessage());
    }

    @Test
    void seededFailuresRepeatAndFollowTheRate() {
        assertEquals(failures(7), failures(7));
        int failures = failures(7);
        assertTrue(failures > 2_000 && failures < 3_000, "about a quarter of 10000 fail: " + failures);
    }

    private static int failures(long seed) {
        SimulatedKnobs knobs = new SimulatedKnobs("d", seed, Duration.ZERO, 0.25);
        int failures = 0;
        for (int i = 0; i < 10_000; i++) {
            try {
                knobs.beforeOperation("read");
            } catch (DeviceFaultException e) {
                failures++;
            }
        }
        return failures;
    }

    @Test
    void refusesInvalidKnobValues() {
        SimulatedKnobs knobs = new SimulatedKnobs("d", 1, Duration.ZERO, 0);
        assertThrows(IllegalArgumentException.class, () -> knobs.setFailureRate(1.5));
        assertThrows(IllegalArgumentException.class, () -> knobs.setLatency(Duration.ofMillis(-1)));
    }
}
