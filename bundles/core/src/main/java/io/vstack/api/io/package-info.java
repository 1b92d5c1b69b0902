/**
 * The I/O request that flows down a virtual disk's filter chain, the chain stage a filter
 * hands it to, and the {@link io.vstack.api.io.IoException} family that names why an I/O failed.
 * <p>The data path is synchronous and zero-copy: the caller's {@link java.nio.ByteBuffer} flows
 * through the chain unchanged, and concurrency comes from the callers' threads.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.io;
