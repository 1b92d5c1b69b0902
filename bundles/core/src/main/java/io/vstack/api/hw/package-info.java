/**
 * The hardware model: the interfaces the simulated hardware of bundle {@code hw-sim} implements
 * — hosts, CPUs with per-CPU data areas, physical memory in page frames, NICs, PCI devices and
 * their configuration space, block devices — and the simulation knobs (latency, faults) every
 * simulated device carries.
 * <p>Each configured host is registered as a {@link io.vstack.api.hw.Host} service with the
 * property {@value io.vstack.api.hw.Host#NAME_PROPERTY}; {@link io.vstack.api.hw.HostRegistry}
 * lists them. Hosts come and go at runtime as their configurations are added or removed.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.hw;
