package io.vstack.api.metrics;

import java.util.Objects;

/**
 * One measured figure.
 *
 * @param name  dotted name within its source, such as {@code memory.frames.free}
 * @param unit  the unit: {@code bytes}, {@code frames}, {@code ops}, {@code ns}, {@code ratio}...
 * @param value the value when the snapshot was taken
 */
public record Metric(String name, String unit, double value) {

    /**
     * @throws NullPointerException if name or unit is null
     */
    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
    }
}
