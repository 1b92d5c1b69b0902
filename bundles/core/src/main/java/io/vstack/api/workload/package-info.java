/**
 * The workload generator: a fio-like load of reads and writes (sequential, random, skewed, or
 * replayed from a trace) issued on a virtual disk through its whole filter chain, measured with
 * real clocks. A {@link io.vstack.api.workload.WorkloadSpec} says what to run, the
 * {@link io.vstack.api.workload.WorkloadRunner} service runs it, reporting
 * {@link io.vstack.api.workload.WorkloadProgress} once per second, and returns a
 * {@link io.vstack.api.workload.WorkloadResult}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.workload;
