/**
 * Value types shared by every vstack API area: {@link io.vstack.api.ByteSize} and
 * {@link io.vstack.api.Durations}, which parse and print sizes and durations as users type them,
 * {@link io.vstack.api.ConfigKeys}, which reads configuration values with one-line refusals,
 * {@link io.vstack.api.ConfigGuard}, which keeps a component running on its previous settings when
 * a configuration is refused, {@link io.vstack.api.MemoryBudget}, which refuses a request for
 * memory the distribution does not have, and {@link io.vstack.api.UserText}, which shows a user's
 * text in a one-line message.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api;
