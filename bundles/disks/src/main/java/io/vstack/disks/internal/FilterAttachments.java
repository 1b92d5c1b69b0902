package io.vstack.disks.internal;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskChain;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.FilterContext;
import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilter;
import io.vstack.api.filter.IoFilterFactory;
import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.filter.UpcallGateway;
import io.vstack.disks.internal.DiskAdmin.FilterReport;
import io.vstack.support.UpcallGate;
import io.vstack.support.UpcallSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The filter framework of the disk manager: the filter factories present, attach and detach
 * (each persisted in the disk's metadata before the chain changes), and what happens when a
 * factory comes or goes (its attachments are unlinked after draining, kept inactive, and linked
 * again when a factory of that name returns).
 * <p>Thread-safe: every chain change holds the disk's lock.
 */
final class FilterAttachments {

    private static final Logger LOG = LoggerFactory.getLogger(FilterAttachments.class);

    private final DiskService disks;
    private final Path directory;
    private final FilterFactories factories = new FilterFactories();

    FilterAttachments(DiskService disks, Path directory) {
        this.disks = disks;
        this.directory = directory;
    }

    /** The filters that can be attached now. */
    List<FilterDescriptor> available() {
        return factories.available();
    }

    private IoFilterFactory activeFactory(String name) {
        return factories.active(name);
    }

    /** Attaches a filter; {@code host}, if given, must own the disk. */
    FilterAttachment attach(String host, String diskId, String filterName, Map<String, String> config) {
        DiskRuntime disk = disks.requireDisk(diskId, host);
        IoFilterFactory factory = activeFactory(filterName);
        if (factory == null) {
            throw new IllegalArgumentException("no filter named " + UserText.quote(filterName) + "; filter:list shows the filters that can be attached");
        }
        FilterDescriptor descriptor = factory.descriptor();
        Map<String, String> filterConfig = new HashMap<>(config);
        String policyText = filterConfig.remove(MissingFilterPolicy.CONFIG_KEY);
        MissingFilterPolicy onMissing = policyText == null ? MissingFilterPolicy.defaultFor(descriptor.filterClass())
                : MissingFilterPolicy.parse(policyText);
        Set<String> secretKeys = secretKeys(factory);
        disk.lock().lock();
        try {
            if (disk.chain().dead != null) {
                throw new IllegalArgumentException(disk.chain().dead);
            }
            DiskMetadata metadata = disk.metadata();
            if (metadata.filter(filterName).isPresent()) {
                throw new IllegalArgumentException("filter " + filterName + " is already attached to disk " + diskId);
            }
            if (activeFactory(filterName) != factory) {
                throw new IllegalArgumentException("filter " + filterName + " went away while attaching; try again");
            }
            Stage stage = createStage(factory, descriptor, disk, filterName, filterConfig);
            List<DiskMetadata.Attachment> filters = new ArrayList<>(metadata.filters());
            filters.add(new DiskMetadata.Attachment(descriptor, filterConfig, onMissing, secretKeys));
            DiskMetadata updated = metadata.withFilters(filters);
            try {
                updated.write(directory);
            } catch (IOException e) {
                stage.closeUpcalls("filter " + filterName + " was not attached");
                closeFilter(stage.filter, diskId, filterName);
                throw new UncheckedIOException("cannot write the metadata of disk " + diskId + ": " + e.getMessage(), e);
            }
            disk.metadata(updated);
            disk.link(stage);
            LOG.info("Attached filter {} to disk {} (onMissing={}){}", filterName, diskId, onMissing,
                    filterConfig.isEmpty() ? "" : " with " + FilterAttachment.redact(filterConfig, secretKeys));
            return new FilterAttachment(diskId, descriptor, filterConfig, true, onMissing, secretKeys);
        } finally {
            disk.lock().unlock();
        }
    }

    /**
     * Creates the stage of attachment {@code filterName} on {@code disk}: the filter's upcall
     * gateway from the framework's upcall keys of {@code config} (refused naming the key), then
     * the filter, given the rest of {@code config}.
     */
    Stage createStage(IoFilterFactory factory, FilterDescriptor descriptor, DiskRuntime disk, String filterName,
                      Map<String, String> config) {
        UpcallSettings upcallSettings;
        try {
            upcallSettings = UpcallSettings.parse(config, disks.filterTimeout());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("filter " + filterName + ": " + e.getMessage(), e);
        }
        UpcallGate upcalls = new UpcallGate(disk.id, filterName, upcallSettings);
        try {
            return new Stage(disk.id, descriptor, createFilter(factory, disk, filterName,
                    UpcallSettings.filterConfig(config), upcalls), factory, upcalls);
        } catch (RuntimeException e) {
            upcalls.abort("filter " + filterName + " could not be created");
            throw e;
        }
    }

    /** Creates the filter of attachment {@code filterName} on {@code disk} (its state directory made if needed). */
    private IoFilter createFilter(IoFilterFactory factory, DiskRuntime disk, String filterName, Map<String, String> config,
                                  UpcallGate upcalls) {
        DiskMetadata metadata = disk.metadata();
        Path state = DiskService.stateDirectory(directory, metadata.id()).resolve(filterName);
        try {
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state directory " + state + " of filter " + filterName + ": "
                    + e.getMessage(), e);
        }
        FilterContext context = new Context(metadata.id(), metadata.owner(), metadata.capacity(), metadata.blockSize(),
                Map.copyOf(config), state, disk.liveChain(), upcalls, disks.links());
        IoFilter filter;
        try {
            filter = factory.create(context);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("filter " + filterName + " refused its configuration: " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException("filter " + filterName + " could not be created for disk " + metadata.id()
                    + ": " + e, e);
        }
        if (filter == null) {
            throw new IllegalArgumentException("filter " + filterName + "'s factory returned no filter for disk " + metadata.id());
        }
        return filter;
    }

    /** The factory's secret keys; none if it fails to say (it is then refused at create anyway, or has none). */
    private static Set<String> secretKeys(IoFilterFactory factory) {
        try {
            Set<String> keys = factory.secretKeys();
            return keys == null ? Set.of() : keys;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Filter factory {} fails to name its secret keys: {}", factory, e.toString(), e);
            return Set.of();
        }
    }

    private static void closeFilter(IoFilter filter, String diskId, String name) {
        try {
            filter.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("disk {}: filter {} failed to close: {}", diskId, name, e.toString(), e);
        }
    }

    /**
     * Detaches a filter; {@code host}, if given, must own the disk. New I/O waits while the
     * filter's in-flight requests finish, up to the drain deadline; past it the detach is refused
     * and nothing changes, unless {@code force}.
     */
    void detach(String host, String diskId, String filterName, boolean force) {
        DiskRuntime disk = disks.requireDisk(diskId, host);
        disk.lock().lock();
        try {
            DiskMetadata metadata = disk.metadata();
            if (metadata.filter(filterName).isEmpty()) {
                throw new IllegalArgumentException("filter " + filterName + " is not attached to disk " + diskId);
            }
            DiskMetadata updated = metadata.withFilters(metadata.filters().stream().filter(a -> !a.name().equals(filterName)).toList());
            writeMetadata(updated);
            disk.metadata(updated);
            try {
                disk.unlink(filterName, force);
            } catch (DiskRuntime.FilterBusyException e) {
                disk.metadata(metadata);
                writeMetadata(metadata);
                throw e;
            }
            LOG.info("Detached filter {} from disk {}{}", filterName, diskId, force ? " (forced)" : "");
        } finally {
            disk.lock().unlock();
        }
    }

    private void writeMetadata(DiskMetadata metadata) {
        try {
            metadata.write(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metadata of disk " + metadata.id() + ": " + e.getMessage(), e);
        }
    }

    /** Per attached filter: active or not, requests, failures, longest hold. */
    List<FilterReport> reports() {
        List<FilterReport> reports = new ArrayList<>();
        for (DiskRuntime disk : disks.runtimes().stream().sorted(Comparator.comparing(d -> d.id)).toList()) {
            Map<String, Stage> stages = new LinkedHashMap<>();
            disk.stages().forEach(s -> stages.put(s.name, s));
            for (FilterAttachment a : disk.attachments()) {
                Stage s = stages.get(a.descriptor().name());
                reports.add(new FilterReport(disk.id, a.descriptor().name(), a.active(), a.onMissing(),
                        s == null ? 0 : s.requests.sum(0), s == null ? 0 : s.failures.sum(), s == null ? 0 : s.longestHeldNanos(),
                        s == null ? null : s.lastError()));
            }
        }
        return reports;
    }

    /** A filter factory appeared: it becomes attachable, and inactive attachments of its name are linked again. */
    void factoryAdded(IoFilterFactory factory) {
        FilterDescriptor descriptor;
        try {
            descriptor = factory.descriptor();
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Ignoring a filter factory whose descriptor fails: {}", e.toString(), e);
            return;
        }
        String name = descriptor.name();
        if (!factories.add(name, factory)) {
            LOG.warn("A second filter factory named {} was registered; it stands by until the first one goes", name);
            return;
        }
        LOG.info("Filter {} available ({}, rank {}): {}", name, descriptor.filterClass(), descriptor.rank(), descriptor.description());
        relinkEverywhere(name, factory);
    }

    private void relinkEverywhere(String name, IoFilterFactory factory) {
        for (DiskRuntime disk : disks.runtimes()) {
            disk.lock().lock();
            try {
                DiskMetadata metadata = disk.metadata();
                Optional<DiskMetadata.Attachment> attachment = metadata.filter(name);
                if (attachment.isEmpty() || disk.isLinked(name) || disk.chain().dead != null || activeFactory(name) != factory) {
                    continue;
                }
                try {
                    disk.link(createStage(factory, factory.descriptor(), disk, name, attachment.get().config()));
                    LOG.info("Filter {} linked again on disk {}", name, disk.id);
                } catch (RuntimeException e) {
                    LOG.warn("Filter {} cannot be linked again on disk {}; it stays inactive: {}", name, disk.id, e.getMessage(), e);
                }
            } finally {
                disk.lock().unlock();
            }
        }
    }

    /**
     * A filter factory went away (its bundle stops or is removed): on every disk where it has a
     * filter, new I/O is held, in-flight requests in the filter finish (up to the drain deadline:
     * the bundle is going, so a filter that does not let go is closed anyway and those requests
     * fail), the filter is unlinked (the attachment stays, inactive) and the held I/O goes on
     * as the attachment's {@code onMissing} says: held until the filter returns, failed, or
     * bypassing it. Blocks until then, at most the drain deadline per disk.
     */
    void factoryRemoved(IoFilterFactory factory) {
        FilterFactories.Removal removal = factories.remove(factory);
        if (removal == null || !removal.wasActive()) {
            return;
        }
        String name = removal.name();
        IoFilterFactory standby = removal.standby();
        int unlinked = 0;
        for (DiskRuntime disk : disks.runtimes()) {
            disk.lock().lock();
            try {
                for (Stage stage : disk.linkedFrom(factory)) {
                    // The user functions' bundle is going: pending upcalls fail now, not at their deadline.
                    stage.closeUpcalls("filter " + name + "'s bundle went away");
                    disk.unlink(stage.name, true);
                    unlinked++;
                }
            } finally {
                disk.lock().unlock();
            }
        }
        LOG.info("Filter {} went away: unlinked from {} disk(s) after draining; attachments are kept, inactive", name, unlinked);
        if (standby != null) {
            relinkEverywhere(name, standby);
        }
    }

    /** The {@link FilterContext} a filter is created with; {@code chain} is the disk's live chain. */
    private record Context(String diskId, String host, long capacity, int blockSize, Map<String, String> config,
                           Path stateDirectory, DiskChain chain, UpcallGateway upcalls, LinkedStorage linkedStorage)
            implements FilterContext {
    }
}
