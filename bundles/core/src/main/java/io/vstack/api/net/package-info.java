/**
 * Network reprogramming on VM mobility: {@link io.vstack.api.net.NetworkProgrammer} services
 * (whiteboard) are called by the migration mechanism with a
 * {@link io.vstack.api.net.MobilityEvent} so that a VM's traffic follows it to its new host.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.net;
