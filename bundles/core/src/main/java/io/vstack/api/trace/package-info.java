/**
 * Reference traces: the keys (block numbers, object ids) of a recorded workload, as the shared
 * cache traces store them. The {@link io.vstack.api.trace.TraceReader} service opens a trace
 * file in any {@link io.vstack.api.trace.TraceFormat} (compression found from the file's first
 * bytes) and either streams its keys through a {@link io.vstack.api.trace.TraceSource} or reads
 * them all into a {@code long[]}. A file that is not a trace fails with one
 * {@link io.vstack.api.trace.TraceFormatException} that names the file and the byte offset or
 * line. Workload replay and cache simulation both read traces through it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.trace;
