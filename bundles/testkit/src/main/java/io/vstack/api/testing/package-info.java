/**
 * TEST SUPPORT, not API: in-memory fakes of the {@code io.vstack.api} services for unit tests,
 * shipped as the jar {@code io.vstack:io.vstack.testkit} (also an OSGi bundle, in no feature).
 * Use it in test scope only; nothing in a running distribution depends on it.
 * <ul>
 * <li>{@link io.vstack.api.testing.InMemoryDisk}: a virtual disk over bytes in memory that runs
 * an ordered chain of {@link io.vstack.api.filter.IoFilter}s as the filter framework does (chain
 * order by class and rank, exceptions turned into
 * {@link io.vstack.api.io.FilterFailedException}, the data contract checked), so a filter's unit
 * test writes and reads through it;</li>
 * <li>{@link io.vstack.api.testing.TestFilterContext}: a filter's context as a plain value, with
 * the framework's own upcall gateway;</li>
 * <li>{@link io.vstack.api.testing.InMemoryLinks}: linked storage between framework instances in
 * memory, so a filter that redirects requests to another instance's disk runs in a unit test;</li>
 * <li>{@link io.vstack.api.testing.InMemoryDiskManager}, {@link io.vstack.api.testing.FakeHosts},
 * {@link io.vstack.api.testing.FakeMemory}, {@link io.vstack.api.testing.InMemoryTraceReader}:
 * fakes of the services a component finds disks, hosts, memory and traces through;</li>
 * <li>{@link io.vstack.api.testing.SystemOut}: captures what a shell command prints;</li>
 * <li>{@link io.vstack.api.testing.FatImages}: checks a FAT image with {@code fsck.fat} and mtools.</li>
 * </ul>
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.testing;
