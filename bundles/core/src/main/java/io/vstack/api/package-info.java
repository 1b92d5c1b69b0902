/**
 * Value types shared by every vstack API area: {@link io.vstack.api.ByteSize} and
 * {@link io.vstack.api.Durations}, which parse and print sizes and durations as users type them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api;
