/**
 * Live migration of VMs between hosts: {@link io.vstack.api.migration.MigrationService} starts,
 * follows, cancels and reports migrations, tuned by {@link io.vstack.api.migration.MigrationParams}
 * (QEMU's parameter names and, beside ours, QEMU's defaults).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.vstack.api.migration;
