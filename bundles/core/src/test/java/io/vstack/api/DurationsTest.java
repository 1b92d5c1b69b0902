package io.vstack.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertEquals(Duration.ofNanos(500), Durations.parse("500ns"));
        assertEquals(Duration.ofNanos(250_000), Durations.parse("250us"));
        assertEquals(Duration.ofMillis(20), Durations.parse("20ms"));
        assertEquals(Duration.ofMillis(20), Durations.parse("20"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @Test
    void formatsReadably() {
        assertEquals("0", Durations.format(Duration.ZERO));
        assertEquals("250us", Durations.format(Duration.ofNanos(250_000)));
        assertEquals("1.5ms", Durations.format(Duration.ofNanos(1_500_000)));
        assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
    }

    @Test
    void refusesNegativeAndMalformedDurations() {
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("soon"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("5 days"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
    }
}
