/**
 * The one place for figures: every component that counts something (IOPS, latency, hits,
 * bytes sent, downtime, frames used) registers a {@link io.vstack.api.metrics.MetricSource}
 * service; the shell and any other reader collect them by whiteboard, so everyone reads the
 * same numbers.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.vstack.api.metrics;
