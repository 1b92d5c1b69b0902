/**
 * The one place for figures: every component that counts something (IOPS, latency, hits,
 * bytes sent, downtime, frames used) registers a {@link io.vstack.api.metrics.MetricSource}
 * service; the shell and any other reader collect them by whiteboard, so everyone reads the
 * same numbers. A metric has a {@link io.vstack.api.metrics.MetricType type} (counter, gauge,
 * histogram, summary), a unit and labels ({@link io.vstack.api.metrics.MetricLabels}) naming
 * what it belongs to.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.metrics;
