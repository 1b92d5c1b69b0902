package io.vstack.memory.internal.handle;

import io.vstack.api.memory.Grant;
import io.vstack.api.memory.GrantRefusedException;
import io.vstack.api.memory.GrantRefusedException.Reason;
import io.vstack.api.memory.GrantStatus;
import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.HandleInfo;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.memory.MemoryFaultException;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handle broker: regions are files {@code <id>.region} in the region directory (0700, on
 * {@code /dev/shm} by default), grants are signed with a per-broker key kept in
 * {@code broker.key} (0600) in the state directory, next to {@code audit.log} (0600).
 * Regions and grants live as long as the broker: it deletes its region files when it closes (and
 * those a crashed run left, when it opens), and a restarted broker refuses every older token.
 * <p>Thread-safe: changes to regions and grants are serialized on the broker; checks of a mapped
 * handle read the region header and take no lock.
 */
public final class Broker implements HandleBroker, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private static final int KEY_BYTES = 32;
    private static final int COPY_CHUNK = 1 << 20;

    private final Path regionDir;
    private final long sectionSize;
    private final Clock clock;
    private final GrantCodec codec;
    private final AuditLog audit;
    private final CopyMeter copies;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Region> regions = new ConcurrentHashMap<>();
    private final Map<String, GrantState> grants = new ConcurrentHashMap<>();
    /** Grants re-granted from each grant, by the parent's id. */
    private final Map<String, List<String>> children = new ConcurrentHashMap<>();
    /** The most recently revoked grants, for the tables ({@value #KEPT_REVOKED} at most); older ones are forgotten. */
    private final java.util.ArrayDeque<GrantState> revoked = new java.util.ArrayDeque<>();
    private static final int KEPT_REVOKED = 256;
    private final Map<Long, MappedHandle> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextRegion = new AtomicLong(1);
    private final AtomicLong nextHandle = new AtomicLong(1);

    /** A region as the broker keeps it: its file, the broker's mapping of the header, the used revocation slots. */
    private static final class Region {
        final String id;
        final String owner;
        final long size;
        final Path file;
        final BitSet slots = new BitSet(RegionFile.SLOTS);
        FileChannel channel;
        MappedByteBuffer header;
        long generation;

        Region(String id, String owner, long size, Path file) {
            this.id = id;
            this.owner = owner;
            this.size = size;
            this.file = file;
        }

        MemoryRegion info() {
            return new MemoryRegion(id, owner, file, size, RegionFile.HEADER, generation);
        }
    }

    /** A grant and what happened to it. */
    private static final class GrantState {
        final GrantCodec.Signed signed;
        final AtomicInteger maps = new AtomicInteger();
        volatile boolean revoked;

        GrantState(GrantCodec.Signed signed) {
            this.signed = signed;
        }

        Grant grant() {
            return signed.grant();
        }

        boolean expired(Instant now) {
            return grant().restrictions().expiresAt().map(now::isAfter).orElse(false);
        }
    }

    /**
     * Opens the broker: creates {@code stateDir} and {@code regionDir} (0700), loads or creates the
     * key, opens the audit log, and deletes region files a previous run left.
     *
     * @param sectionSize bytes per section of the handles it maps, a multiple of 4096
     */
    public Broker(Path stateDir, Path regionDir, long sectionSize, Clock clock, CopyMeter copies) throws IOException {
        if (sectionSize <= 0 || sectionSize % RegionFile.PAGE != 0 || sectionSize > (1 << 30)) {
            throw new IllegalArgumentException("section size must be a multiple of 4096 up to 1 GiB: " + sectionSize);
        }
        PrivateFiles.directory(stateDir);
        this.regionDir = PrivateFiles.directory(regionDir);
        this.sectionSize = sectionSize;
        this.clock = clock;
        this.copies = copies;
        this.codec = new GrantCodec(loadKey(stateDir.resolve("broker.key")));
        this.audit = new AuditLog(stateDir.resolve("audit.log"));
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(regionDir, "*.{region,ring,tmp}")) {
            for (Path f : stale) {
                Files.deleteIfExists(f);
            }
        }
        audit.append("START", "regionDirectory", regionDir.toString());
    }

    private byte[] loadKey(Path file) throws IOException {
        if (Files.exists(file)) {
            byte[] key = Files.readAllBytes(file);
            if (key.length == KEY_BYTES) {
                Files.setPosixFilePermissions(file, PrivateFiles.FILE);
                return key;
            }
            LOG.warn("Memory broker key {} has {} bytes instead of {}: a new key is made (older tokens are refused)",
                    file, key.length, KEY_BYTES);
        }
        byte[] key = new byte[KEY_BYTES];
        random.nextBytes(key);
        StoreFiles.writeAtomically(file, key, true);
        return key;
    }

    /** The copy meter every copy of the broker (and of the ring server sharing it) goes through. */
    public CopyMeter copies() {
        return copies;
    }

    /** The directory holding region and ring files. */
    public Path regionDirectory() {
        return regionDir;
    }

    /** The audit log's file. */
    public Path auditFile() {
        return audit.file();
    }

    /** Appends to the audit log (the ring server records its handles' refusals there too). */
    public void audit(String event, String... keyValues) {
        audit.append(event, keyValues);
    }

    @Override
    public MemoryRegion createRegion(String owner, long size) throws MemoryException {
        if (size <= 0 || size % RegionFile.PAGE != 0 || size > RegionFile.MAX_SIZE) {
            throw new InvalidRangeException("region size must be a positive multiple of 4096 up to 64 TiB: " + size);
        }
        String id = "r" + nextRegion.getAndIncrement();
        Region region = new Region(id, owner, size, regionDir.resolve(id + ".region"));
        try {
            open(region, createFile(region.file, size), 0);
        } catch (IOException e) {
            throw new MemoryException("cannot create region " + id + " in " + regionDir + ": " + e.getMessage(), e);
        }
        regions.put(id, region);
        audit.append("REGION", "region", id, "owner", owner, "size", Long.toString(size));
        return region.info();
    }

    private static FileChannel createFile(Path file, long size) throws IOException {
        PrivateFiles.newFile(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            // Sparse: only the header is written; the data takes memory as its owner writes it.
            channel.write(ByteBuffer.allocate(1), RegionFile.HEADER + size - 1);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    private static void open(Region region, FileChannel channel, long generation) throws IOException {
        MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, RegionFile.HEADER);
        header.putLong(0, RegionFile.MAGIC);
        header.putLong(RegionFile.SIZE_AT, region.size);
        RegionFile.setVolatile(header, RegionFile.GENERATION_AT, generation);
        region.channel = channel;
        region.header = header;
        region.generation = generation;
    }

    @Override
    public synchronized void deleteRegion(String regionId) throws MemoryException {
        Region region = region(regionId);
        for (GrantState g : grants.values()) {
            if (g.grant().regionId().equals(regionId)) {
                revokeOne(g, region, "region deleted");
            }
        }
        handles.values().stream().filter(h -> h.grant().regionId().equals(regionId)).toList()
                .forEach(MappedHandle::close);
        regions.remove(regionId);
        try {
            region.channel.close();
            Files.deleteIfExists(region.file);
        } catch (IOException e) {
            throw new MemoryException("cannot delete the file of region " + regionId + ": " + e.getMessage(), e);
        }
        audit.append("DELETE", "region", regionId);
    }

    private Region region(String regionId) throws MemoryException {
        Region region = regions.get(regionId);
        if (region == null) {
            throw new MemoryException("no memory region " + regionId);
        }
        return region;
    }

    @Override
    public synchronized Grant grant(String regionId, String owner, String grantee, long offset, long length,
                                    Restrictions restrictions) throws MemoryException {
        Region region = region(regionId);
        if (!region.owner.equals(owner)) {
            audit.append("REFUSE", "op", "grant", "region", regionId, "by", owner, "reason", Reason.NOT_OWNER.name());
            throw new GrantRefusedException(Reason.NOT_OWNER, owner + " does not own region " + regionId);
        }
        checkRange(offset, length, region.size, "region " + regionId);
        return issue(region, grantee, "", offset, length, restrictions).grant();
    }

    private static void checkRange(long offset, long length, long size, String what) throws InvalidRangeException {
        if (offset < 0 || length <= 0 || offset > size || length > size - offset) {
            throw new InvalidRangeException("range " + offset + "+" + length + " is not inside " + what + " of "
                    + size + " bytes");
        }
        if (offset % RegionFile.PAGE != 0 || length % RegionFile.PAGE != 0) {
            throw new InvalidRangeException("range " + offset + "+" + length + " is not page-aligned (4096)");
        }
    }

    private GrantCodec.Signed issue(Region region, String grantee, String parentId, long offset, long length,
                                    Restrictions restrictions) throws MemoryException {
        int slot = freeSlot(region);
        long stamp = RegionFile.getVolatile(region.header, RegionFile.slotAt(slot));
        byte[] id = new byte[16];
        random.nextBytes(id);
        Grant unsigned = new Grant(HexFormat.of().formatHex(id), region.id, grantee, parentId, offset, length,
                restrictions, clock.instant(), "");
        GrantCodec.Signed signed = codec.sign(unsigned, slot, stamp, region.generation);
        region.slots.set(slot);
        grants.put(signed.grant().id(), new GrantState(signed));
        if (!parentId.isEmpty()) {
            children.computeIfAbsent(parentId, k -> new ArrayList<>()).add(signed.grant().id());
        }
        Restrictions r = signed.grant().restrictions();
        audit.append("GRANT", "grant", signed.grant().id(), "region", region.id, "grantee", grantee,
                "parent", parentId.isEmpty() ? "-" : parentId, "offset", Long.toString(offset),
                "length", Long.toString(length), "readOnly", Boolean.toString(r.readOnly()),
                "expires", r.expiresAt().map(Instant::toString).orElse("never"), "maxMaps", Integer.toString(r.maxMaps()),
                "noRegrant", Boolean.toString(r.noRegrant()));
        return signed;
    }

    private int freeSlot(Region region) throws MemoryException {
        int slot = region.slots.nextClearBit(0);
        if (slot >= RegionFile.SLOTS) {
            Instant now = clock.instant();
            for (GrantState g : grants.values()) {
                if (!g.revoked && g.grant().regionId().equals(region.id) && g.expired(now)) {
                    revokeOne(g, region, "expired");
                }
            }
            slot = region.slots.nextClearBit(0);
            if (slot >= RegionFile.SLOTS) {
                throw new MemoryException("region " + region.id + " has " + RegionFile.SLOTS
                        + " live grants, the most it can hold: revoke some first");
            }
        }
        return slot;
    }

    @Override
    public synchronized Grant regrant(String token, String grantee, long offset, long length,
                                      Restrictions restrictions) throws MemoryException {
        GrantState parent = honoured(token, "regrant");
        Grant p = parent.grant();
        Restrictions pr = p.restrictions();
        if (pr.noRegrant()) {
            throw refuse(Reason.NO_REGRANT, "regrant", p.id(), "grant " + p.id() + " may not be re-granted");
        }
        checkRange(offset, length, p.length(), "grant " + p.id());
        boolean widens = pr.readOnly() && !restrictions.readOnly()
                || pr.expiresAt().isPresent() && (restrictions.expiresAt().isEmpty()
                        || restrictions.expiresAt().get().isAfter(pr.expiresAt().get()))
                || pr.maxMaps() > 0 && (restrictions.maxMaps() == 0 || restrictions.maxMaps() > pr.maxMaps());
        if (widens) {
            throw refuse(Reason.WIDENING, "regrant", p.id(),
                    "a re-grant of " + p.id() + " may not be writable, expire later or allow more maps than it");
        }
        return issue(region(p.regionId()), grantee, p.id(), p.offset() + offset, length, restrictions).grant();
    }

    /** The grant of {@code token} if it verifies, is known, not revoked, not expired and of the region's generation. */
    private GrantState honoured(String token, String op) throws GrantRefusedException {
        GrantCodec.Signed signed;
        try {
            signed = codec.verify(token);
        } catch (GrantRefusedException e) {
            audit.append("REFUSE", "op", op, "grant", "?", "reason", e.reason().name(), "why", e.getMessage());
            throw e;
        }
        String id = signed.grant().id();
        GrantState state = grants.get(id);
        if (state == null) {
            throw refuse(Reason.REVOKED, op, id, "grant " + id + " is not known to this broker (revoked with its region, "
                    + "or issued before a restart)");
        }
        if (state.revoked) {
            throw refuse(Reason.REVOKED, op, id, "grant " + id + " was revoked");
        }
        Region region = regions.get(signed.grant().regionId());
        if (region == null || region.generation != signed.generation()) {
            throw refuse(Reason.REVOKED, op, id, "the region of grant " + id + " was replaced or deleted");
        }
        if (state.expired(clock.instant())) {
            throw refuse(Reason.EXPIRED, op, id, "grant " + id + " expired at "
                    + state.grant().restrictions().expiresAt().orElseThrow());
        }
        return state;
    }

    private GrantRefusedException refuse(Reason reason, String op, String grantId, String message) {
        audit.append("REFUSE", "op", op, "grant", grantId, "reason", reason.name(), "why", message);
        return new GrantRefusedException(reason, message);
    }

    @Override
    public synchronized MemoryHandle map(String token) throws MemoryException {
        GrantState state = honoured(token, "map");
        Grant g = state.grant();
        int maxMaps = g.restrictions().maxMaps();
        if (maxMaps > 0 && state.maps.get() >= maxMaps) {
            throw refuse(Reason.MAX_MAPS, "map", g.id(), "grant " + g.id() + " was mapped " + maxMaps
                    + " time(s), all it allows");
        }
        Region region = regions.get(g.regionId());
        boolean readOnly = g.restrictions().readOnly();
        FileChannel channel = null;
        try {
            channel = readOnly ? FileChannel.open(region.file, StandardOpenOption.READ)
                    : FileChannel.open(region.file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            if (channel.size() < RegionFile.HEADER + g.offset() + g.length()) {
                throw new MemoryFaultException("region " + g.regionId() + " is shorter than grant " + g.id()
                        + ": its file was truncated");
            }
            MappedByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 0, RegionFile.HEADER);
            long id = nextHandle.getAndIncrement();
            MappedHandle handle = new MappedHandle(id, state.signed, channel, readOnly, header, RegionFile.HEADER,
                    sectionSize, h -> handles.remove(h.id()));
            handles.put(id, handle);
            state.maps.incrementAndGet();
            audit.append("MAP", "grant", g.id(), "handle", Long.toString(id), "readOnly", Boolean.toString(readOnly));
            return handle;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new MemoryFaultException("cannot map grant " + g.id() + ": " + e.getMessage(), e);
        } catch (MemoryException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was mapped through it
            }
        }
    }

    @Override
    public synchronized void revoke(String grantId, boolean hard) throws MemoryException {
        GrantState state = grants.get(grantId);
        if (state == null) {
            throw new MemoryException("no live grant " + grantId + " (revoked already, or never issued)");
        }
        Region region = regions.get(state.grant().regionId());
        if (region == null) {
            throw new MemoryException("the region of grant " + grantId + " was deleted");
        }
        revokeTree(state, region);
        if (hard) {
            replace(region, grantId);
        }
    }

    private void revokeTree(GrantState state, Region region) {
        List<String> kids = children.get(state.grant().id());
        revokeOne(state, region, "revoked");
        for (String childId : kids == null ? List.<String>of() : kids) {
            GrantState child = grants.get(childId);
            if (child != null) {
                revokeTree(child, region);
            }
        }
    }

    private void revokeOne(GrantState state, Region region, String why) {
        if (state.revoked) {
            return;
        }
        state.revoked = true;
        int slot = state.signed.slot();
        if (region.generation == state.signed.generation()) {
            int at = RegionFile.slotAt(slot);
            RegionFile.setVolatile(region.header, at, RegionFile.getVolatile(region.header, at) + 1);
            region.slots.clear(slot);
        }
        audit.append("REVOKE", "grant", state.grant().id(), "region", region.id, "why", why);
        forget(state);
    }

    /** A revoked grant leaves the live table (a token of it is refused as unknown) and joins the recent ones. */
    private void forget(GrantState state) {
        grants.remove(state.grant().id());
        children.remove(state.grant().id());
        synchronized (revoked) {
            revoked.addLast(state);
            if (revoked.size() > KEPT_REVOKED) {
                revoked.removeFirst();
            }
        }
    }

    /**
     * Hard revoke: copies the region's data into a new file (skipping zero chunks, so a sparse
     * region stays sparse), marks the old file's header replaced, and renames the new file over
     * the old name. Whoever still has the old file mapped keeps the old bytes; nothing they write
     * reaches the new file. Every grant of the region is revoked.
     */
    private void replace(Region region, String grantId) throws MemoryException {
        Path tmp = regionDir.resolve(region.id + ".tmp");
        FileChannel next = null;
        try {
            Files.deleteIfExists(tmp);
            next = createFile(tmp, region.size);
            ByteBuffer chunk = ByteBuffer.allocateDirect(COPY_CHUNK);
            for (long at = 0; at < region.size; at += COPY_CHUNK) {
                chunk.clear().limit((int) Math.min(COPY_CHUNK, region.size - at));
                while (chunk.hasRemaining() && region.channel.read(chunk, RegionFile.HEADER + at + chunk.position()) >= 0) {
                    // fills the chunk
                }
                copies.count(chunk.position());
                chunk.flip();
                if (!allZero(chunk)) {
                    copies.count(chunk.remaining());
                    while (chunk.hasRemaining()) {
                        next.write(chunk, RegionFile.HEADER + at + chunk.position());
                    }
                }
            }
            for (GrantState g : grants.values()) {
                if (g.grant().regionId().equals(region.id)) {
                    revokeOne(g, region, "hard revoke of " + grantId);
                }
            }
            long generation = region.generation + 1;
            RegionFile.setVolatile(region.header, RegionFile.GENERATION_AT, RegionFile.REPLACED);
            FileChannel old = region.channel;
            open(region, next, generation);
            region.slots.clear();
            Files.move(tmp, region.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            old.close();
            audit.append("HARD_REVOKE", "grant", grantId, "region", region.id, "generation", Long.toString(generation));
        } catch (IOException e) {
            closeQuietly(next);
            throw new MemoryException("cannot replace the file of region " + region.id + ": " + e.getMessage(), e);
        }
    }

    private static boolean allZero(ByteBuffer b) {
        int i = b.position();
        int end = b.limit();
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<MemoryRegion> regions() {
        synchronized (this) {
            return regions.values().stream().map(Region::info)
                    .sorted(Comparator.comparingLong(r -> Long.parseLong(r.id().substring(1)))).toList();
        }
    }

    @Override
    public List<GrantStatus> grants() {
        Instant now = clock.instant();
        List<GrantStatus> list = new ArrayList<>();
        for (GrantState g : grants.values()) {
            list.add(new GrantStatus(g.grant(), g.maps.get(), g.revoked, g.expired(now)));
        }
        synchronized (revoked) {
            for (GrantState g : revoked) {
                list.add(new GrantStatus(g.grant(), g.maps.get(), true, g.expired(now)));
            }
        }
        list.sort(Comparator.comparing((GrantStatus s) -> s.grant().issuedAt()).thenComparing(s -> s.grant().id()));
        return list;
    }

    @Override
    public List<HandleInfo> handles() {
        return handles.values().stream().map(MappedHandle::info).sorted(Comparator.comparingLong(HandleInfo::id)).toList();
    }

    /** The mapped handle {@code id}, if open (the ring server resolves its clients' handles here). */
    MappedHandle handle(long id) {
        return handles.get(id);
    }

    @Override
    public long bytesCopied() {
        return copies.bytesCopied();
    }

    /** Closes every handle and deletes every region's file (regions do not outlive the broker). */
    @Override
    public synchronized void close() {
        List.copyOf(handles.values()).forEach(MappedHandle::close);
        for (Region r : regions.values()) {
            closeQuietly(r.channel);
            try {
                Files.deleteIfExists(r.file);
            } catch (IOException e) {
                LOG.warn("Cannot delete region file {}: {}", r.file, e.getMessage());
            }
        }
        regions.clear();
        audit.append("STOP");
        audit.close();
    }
}
