/**
 * Trusted-binary loading: only bundles installed through the approved mechanism
 * ({@link io.vstack.api.trust.TrustedInstaller}) ever run, and a bundle whose content or
 * metadata changed after approval is tainted. {@link io.vstack.api.trust.TrustStore} gives a
 * {@link io.vstack.api.trust.Verdict} per binary.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.trust;
