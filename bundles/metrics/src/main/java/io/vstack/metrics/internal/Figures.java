package io.vstack.metrics.internal;

import io.vstack.api.metrics.Distribution;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricType;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How the commands show a metric's value and labels on one line. */
public final class Figures {

    private Figures() {
    }

    /** {@code disk=db1 op=read}, or {@code -} without labels. */
    public static String labels(Map<String, String> labels) {
        return labels.isEmpty() ? "-" : labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    /** The value: a number, or for a histogram or summary its count and quantiles. */
    public static String value(Metric m) {
        if (m.type() == MetricType.COUNTER || m.type() == MetricType.GAUGE) {
            return number(m.value());
        }
        Distribution d = m.distribution();
        StringBuilder text = new StringBuilder("n=").append(d.count());
        if (m.type() == MetricType.HISTOGRAM) {
            text.append(" p50=").append(quantity(d.quantile(0.5), m.unit()))
                    .append(" p99=").append(quantity(d.quantile(0.99), m.unit()));
        } else {
            d.quantiles().forEach(q -> text.append(" p").append(number(q.quantile() * 100)).append('=')
                    .append(quantity(q.value(), m.unit())));
        }
        return text.toString();
    }

    /** A whole number without a fraction, anything else with up to four significant decimals. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.4g", value);
    }

    /** A time in seconds shown in µs or ms; anything else as a number. */
    private static String quantity(double value, String unit) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (unit.equals("seconds")) {
            return value < 1e-3 ? String.format(Locale.ROOT, "%.1fus", value * 1e6)
                    : String.format(Locale.ROOT, "%.3fms", value * 1e3);
        }
        return number(value);
    }
}
