/**
 * <b>Not API.</b> Implementation helpers shared by vstack's own bundles. The package is exported
 * so that vstack's bundles can share one copy; it carries no compatibility promise to anyone
 * else. A third-party filter, backend or policy needs only {@code io.vstack.api.*} (bundle
 * {@code core}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.support;
