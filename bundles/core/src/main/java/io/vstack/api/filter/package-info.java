/**
 * The I/O filter SPI. A plug-in registers an {@link io.vstack.api.filter.IoFilterFactory}
 * service (whiteboard); each host's {@link io.vstack.api.filter.FilterFramework} creates one
 * {@link io.vstack.api.filter.IoFilter} per disk the filter is attached to and runs the disk's
 * filters in order: by {@link io.vstack.api.filter.FilterClass}, then by rank.
 * <p>A filter bundle needs nothing but this bundle's packages. When its factory goes away the
 * framework drains the filter's in-flight requests and unlinks it; no request is lost.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package io.vstack.api.filter;
