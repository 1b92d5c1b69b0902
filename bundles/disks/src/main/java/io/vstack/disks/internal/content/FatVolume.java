package io.vstack.disks.internal.content;

import io.vstack.api.UserText;
import io.vstack.api.io.IoException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A FAT32 volume synthesized from an app set (US20170060610; after QEMU's vvfat): the boot
 * sector with its BPB, the FSInfo sector, their backups, both FATs and every directory (with VFAT
 * long names) are computed from the catalog; the clusters of the files are the app disk's blocks.
 * <p><b>Layout.</b> 512-byte sectors, clusters of {@value #CLUSTER} bytes (one disk block), 32
 * reserved sectors, two FATs, the data region aligned to a cluster. The directories take the
 * first clusters (the root at cluster 2, then depth first), then the files in catalog order, each
 * contiguous: so a FAT entry is its cluster's successor or the end of a chain, computed, not
 * stored. The volume has at least 65,525 clusters (the specification's FAT32 minimum) and the
 * free clusters asked for; the sectors' total is a multiple of the 32 sectors of a track.
 * <p><b>Reads</b> of metadata come from the synthesized tables, reads of file clusters go to the
 * app disk (runs of clusters that are contiguous there in one read), free clusters read as zeros.
 * Immutable after {@link #build}; reads are thread-safe.
 */
final class FatVolume {

    /** Bytes per sector. */
    static final int SECTOR = 512;
    /** Bytes per cluster: one 4 KiB disk block. */
    static final int CLUSTER = 4096;
    /** The largest file FAT32 can hold: 4 GiB - 1. */
    static final long MAX_FILE = 0xFFFF_FFFFL;
    /** The fewest clusters of a FAT32 volume. */
    static final long MIN_CLUSTERS = 65_525;
    /** The most clusters of a FAT32 volume. */
    static final long MAX_CLUSTERS = 0x0FFF_FFF5L - 2;
    /** Entries a directory may hold (2 MiB of 32-byte entries). */
    static final int MAX_DIR_ENTRIES = 65_536;

    private static final int RESERVED_SECTORS = 32;
    private static final int SECTORS_PER_CLUSTER = CLUSTER / SECTOR;
    private static final int SECTORS_PER_TRACK = 32;
    private static final int EOC = 0x0FFF_FFFF;
    private static final byte[] ZEROS = new byte[64 * 1024];

    /** Reads app disk bytes: aligned to clusters, the whole of {@code dst}. */
    @FunctionalInterface
    interface AppReader {
        void read(long appOffset, ByteBuffer dst) throws IoException;
    }

    private final long clusters;
    private final long fatSectors;
    private final long totalSectors;
    private final long fatStart;
    private final long fatBytes;
    private final long dataStart;
    private final int dirClusters;
    private final long usedClusters;
    private final long[] chainEnds;
    private final byte[] reserved;
    private final byte[] directories;
    private final int[] fileFirst;
    private final int[] fileCount;
    private final long[] fileApp;
    private final int files;
    private final int dirs;

    private FatVolume(Builder b, long freeClusters, int volumeId) {
        this.dirClusters = b.dirClusters;
        this.files = b.fileFirst.length;
        this.fileFirst = b.fileFirst;
        this.fileCount = b.fileCount;
        this.fileApp = b.fileApp;
        this.usedClusters = b.used;
        this.dirs = b.dirNodes.size();
        long c = Math.max(MIN_CLUSTERS, usedClusters + freeClusters);
        c = (c + 3) & ~3L;
        if (c > MAX_CLUSTERS) {
            throw new IllegalArgumentException("the app set and free space need " + c + " clusters of 4 KiB, more than FAT32's "
                    + MAX_CLUSTERS);
        }
        this.clusters = c;
        long fat = ((c + 2) * 4 + SECTOR - 1) / SECTOR;
        this.fatSectors = (fat + 15) & ~15L;
        this.totalSectors = RESERVED_SECTORS + 2 * fatSectors + c * SECTORS_PER_CLUSTER;
        this.fatStart = (long) RESERVED_SECTORS * SECTOR;
        this.fatBytes = fatSectors * SECTOR;
        this.dataStart = fatStart + 2 * fatBytes;
        this.chainEnds = b.chainEnds;
        this.directories = b.directories;
        this.reserved = reservedSectors(volumeId);
    }

    /**
     * Synthesizes the volume of an app set.
     *
     * @param entries      the catalog: files in the order of their bytes on the app disk, and directories
     * @param freeClusters free clusters to leave for writes
     * @param volumeId     the volume serial number
     * @throws IllegalArgumentException naming the entry FAT cannot hold, and why
     */
    static FatVolume build(List<AppFile> entries, long freeClusters, int volumeId) {
        Builder b = new Builder();
        b.tree(entries);
        b.allocate(entries);
        return new FatVolume(b, freeClusters, volumeId);
    }

    /** The volume's size in bytes. */
    long size() {
        return totalSectors * SECTOR;
    }

    long clusters() {
        return clusters;
    }

    long usedClusters() {
        return usedClusters;
    }

    int fileCount() {
        return files;
    }

    int directoryCount() {
        return dirs;
    }

    /** Where the files' clusters start on the volume, in bytes: after the directories'. */
    long fileRegionStart() {
        return dataStart + (long) dirClusters * CLUSTER;
    }

    /** Where the data region starts, in bytes. */
    long dataStart() {
        return dataStart;
    }

    // ---- reads ------------------------------------------------------------------------------------

    /** Fills {@code dst} with the volume's bytes at {@code offset}; file clusters come from {@code app}. */
    void read(long offset, ByteBuffer dst, AppReader app) throws IoException {
        if (offset < 0 || offset + dst.remaining() > size()) {
            throw new IllegalArgumentException("read of " + dst.remaining() + " bytes at " + offset + " is outside the volume of "
                    + size() + " bytes");
        }
        int limit = dst.limit();
        try {
            long pos = offset;
            while (dst.position() < limit) {
                int n;
                if (pos < fatStart) {
                    n = (int) Math.min(limit - dst.position(), fatStart - pos);
                    dst.put(reserved, (int) pos, n);
                } else if (pos < dataStart) {
                    long inFat = (pos - fatStart) % fatBytes;
                    n = (int) Math.min(limit - dst.position(), fatBytes - inFat);
                    fillFat(inFat, n, dst);
                } else {
                    n = readData(pos - dataStart, limit, dst, app);
                }
                pos += n;
            }
        } finally {
            dst.limit(limit);
        }
    }

    private void fillFat(long at, int n, ByteBuffer dst) {
        long end = at + n;
        long usedEnd = (2 + usedClusters) * 4;
        long pos = at;
        ByteOrder order = dst.order();
        dst.order(ByteOrder.LITTLE_ENDIAN);
        while (pos < end && pos < usedEnd) {
            long entry = pos >>> 2;
            int value = fatEntry(entry);
            if ((pos & 3) == 0 && end - pos >= 4) {
                dst.putInt(value);
                pos += 4;
            } else {
                dst.put((byte) (value >>> (8 * (pos & 3))));
                pos++;
            }
        }
        dst.order(order);
        zeros(dst, end - pos);
    }

    /** The FAT entry of cluster {@code c}: the next cluster of its chain, the end of a chain, or 0 (free). */
    int fatEntry(long c) {
        if (c == 0) {
            return 0x0FFF_FFF8;
        }
        if (c == 1) {
            return EOC;
        }
        long i = c - 2;
        if (i >= usedClusters) {
            return 0;
        }
        return (chainEnds[(int) (i >>> 6)] & (1L << i)) != 0 ? EOC : (int) (c + 1);
    }

    private int readData(long at, int limit, ByteBuffer dst, AppReader app) throws IoException {
        long cluster = at / CLUSTER;
        int want = limit - dst.position();
        if (cluster < dirClusters) {
            int n = (int) Math.min(want, (long) dirClusters * CLUSTER - at);
            dst.put(directories, (int) at, n);
            return n;
        }
        if (cluster >= usedClusters) {
            int n = (int) Math.min(want, (clusters - cluster) * CLUSTER - at % CLUSTER);
            zeros(dst, n);
            return n;
        }
        int c = (int) cluster + 2;
        int i = Arrays.binarySearch(fileFirst, c);
        if (i < 0) {
            i = -i - 2;
        }
        long within = at - (long) (fileFirst[i] - 2) * CLUSTER;
        long appStart = fileApp[i] + within;
        long runBytes = (long) fileCount[i] * CLUSTER - within;
        // Extend over the next files while their bytes follow on the app disk.
        while (runBytes < want && i + 1 < files && fileApp[i + 1] == fileApp[i] + (long) fileCount[i] * CLUSTER) {
            i++;
            runBytes += (long) fileCount[i] * CLUSTER;
        }
        int n = (int) Math.min(want, runBytes);
        dst.limit(dst.position() + n);
        app.read(appStart, dst);
        dst.limit(limit);
        return n;
    }

    private static void zeros(ByteBuffer dst, long n) {
        while (n > 0) {
            int k = (int) Math.min(n, ZEROS.length);
            dst.put(ZEROS, 0, k);
            n -= k;
        }
    }

    // ---- the boot sector, FSInfo and their backups --------------------------------------------------

    private byte[] reservedSectors(int volumeId) {
        byte[] r = new byte[RESERVED_SECTORS * SECTOR];
        ByteBuffer boot = ByteBuffer.wrap(r, 0, SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        boot.put(0, (byte) 0xEB).put(1, (byte) 0x58).put(2, (byte) 0x90);
        putAscii(r, 3, "VSTACK  ");
        boot.putShort(11, (short) SECTOR);
        boot.put(13, (byte) SECTORS_PER_CLUSTER);
        boot.putShort(14, (short) RESERVED_SECTORS);
        boot.put(16, (byte) 2);
        boot.putShort(17, (short) 0);                  // root entries: 0 on FAT32
        boot.putShort(19, (short) 0);                  // total sectors (16-bit): 0, see 32
        boot.put(21, (byte) 0xF8);                     // media: fixed disk
        boot.putShort(22, (short) 0);                  // FAT size (16-bit): 0 on FAT32
        boot.putShort(24, (short) SECTORS_PER_TRACK);
        boot.putShort(26, (short) 64);                 // heads
        boot.putInt(28, 0);                            // hidden sectors
        boot.putInt(32, (int) totalSectors);
        boot.putInt(36, (int) fatSectors);
        boot.putShort(40, (short) 0);                  // both FATs mirrored
        boot.putShort(42, (short) 0);                  // version 0.0
        boot.putInt(44, 2);                            // root directory cluster
        boot.putShort(48, (short) 1);                  // FSInfo sector
        boot.putShort(50, (short) 6);                  // backup boot sector
        boot.put(64, (byte) 0x80);                     // drive number
        boot.put(66, (byte) 0x29);                     // extended boot signature
        boot.putInt(67, volumeId);
        putAscii(r, 71, "NO NAME    ");
        putAscii(r, 82, "FAT32   ");
        // Boot code: int 18h (no bootable OS here), then a halt loop.
        r[90] = (byte) 0xCD;
        r[91] = 0x18;
        r[92] = (byte) 0xEB;
        r[93] = (byte) 0xFE;
        r[510] = 0x55;
        r[511] = (byte) 0xAA;
        ByteBuffer info = ByteBuffer.wrap(r, SECTOR, SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        info.putInt(SECTOR, 0x41615252);
        info.putInt(SECTOR + 484, 0x61417272);
        info.putInt(SECTOR + 488, (int) (clusters - usedClusters));
        info.putInt(SECTOR + 492, usedClusters < clusters ? (int) (2 + usedClusters) : 0xFFFF_FFFF);
        info.putInt(SECTOR + 508, 0xAA55_0000);
        System.arraycopy(r, 0, r, 6 * SECTOR, 2 * SECTOR);
        return r;
    }

    private static void putAscii(byte[] to, int at, String text) {
        for (int i = 0; i < text.length(); i++) {
            to[at + i] = (byte) text.charAt(i);
        }
    }

    // ---- synthesis --------------------------------------------------------------------------------------

    /** A directory of the tree: its children by name, sorted. */
    private static final class Node {
        final String name;
        final String path;
        final AppFile entry;
        final TreeMap<String, Node> children;
        Node parent;
        int firstCluster;
        int clusterCount;
        FatNames.Short shortName;

        Node(String name, String path, AppFile entry, boolean directory) {
            this.name = name;
            this.path = path;
            this.entry = entry;
            this.children = directory ? new TreeMap<>() : null;
        }

        boolean isDirectory() {
            return children != null;
        }
    }

    /** Builds the tree, the names, the allocation and the directory bytes. */
    private static final class Builder {
        final Node root = new Node("", "/", null, true);
        final List<Node> dirNodes = new ArrayList<>();
        final Map<AppFile, Node> fileNodes = new HashMap<>();
        int dirClusters;
        long used;
        long[] chainEnds;
        byte[] directories;
        int[] fileFirst;
        int[] fileCount;
        long[] fileApp;

        void tree(List<AppFile> entries) {
            for (AppFile e : entries) {
                if (e.size() > MAX_FILE) {
                    throw new IllegalArgumentException("app file " + UserText.quote(e.path()) + " has " + e.size()
                            + " bytes, more than FAT32's limit of 4 GiB - 1 (" + MAX_FILE + ")");
                }
                String[] parts = e.path().split("/", -1);
                Node dir = root;
                StringBuilder path = new StringBuilder();
                for (int k = 0; k < parts.length; k++) {
                    String name = parts[k];
                    path.append(k == 0 ? "" : "/").append(name);
                    FatNames.requireValid(name, path.toString());
                    boolean last = k == parts.length - 1;
                    Node child = dir.children.get(name);
                    if (child == null) {
                        child = new Node(name, path.toString(), last ? e : null, !last || e.directory());
                        child.parent = dir;
                        dir.children.put(name, child);
                        if (last && !e.directory()) {
                            fileNodes.put(e, child);
                        }
                    } else if (last || !child.isDirectory()) {
                        if (!(last && e.directory() && child.isDirectory())) {
                            throw new IllegalArgumentException("app file " + UserText.quote(path.toString())
                                    + " is in the app set twice (or as both a file and a directory)");
                        }
                    }
                    dir = child;
                }
            }
        }

        void allocate(List<AppFile> entries) {
            collect(root);
            for (Node d : dirNodes) {
                int count = names(d);
                d.clusterCount = Math.max(1, (int) (((long) count * 32 + CLUSTER - 1) / CLUSTER));
            }
            long next = 2;
            for (Node d : dirNodes) {
                d.firstCluster = (int) next;
                next += d.clusterCount;
            }
            dirClusters = (int) (next - 2);
            List<Node> nonEmpty = new ArrayList<>();
            for (AppFile e : entries) {
                Node f = fileNodes.get(e);
                if (f != null && e.size() > 0) {
                    f.clusterCount = (int) ((e.size() + CLUSTER - 1) / CLUSTER);
                    f.firstCluster = (int) next;
                    next += f.clusterCount;
                    if (next - 2 > MAX_CLUSTERS) {
                        throw new IllegalArgumentException("the app set needs more than FAT32's " + MAX_CLUSTERS + " clusters");
                    }
                    nonEmpty.add(f);
                }
            }
            used = next - 2;
            fileFirst = new int[nonEmpty.size()];
            fileCount = new int[nonEmpty.size()];
            fileApp = new long[nonEmpty.size()];
            chainEnds = new long[(int) ((used + 63) >>> 6)];
            for (Node d : dirNodes) {
                markEnd(d);
            }
            for (int i = 0; i < nonEmpty.size(); i++) {
                Node f = nonEmpty.get(i);
                fileFirst[i] = f.firstCluster;
                fileCount[i] = f.clusterCount;
                fileApp[i] = f.entry.appOffset();
                markEnd(f);
            }
            directories = new byte[dirClusters * CLUSTER];
            for (Node d : dirNodes) {
                writeDirectory(d);
            }
        }

        private void markEnd(Node n) {
            long last = n.firstCluster - 2L + n.clusterCount - 1;
            chainEnds[(int) (last >>> 6)] |= 1L << last;
        }

        /** The directories, depth first, the root first. */
        private void collect(Node dir) {
            dirNodes.add(dir);
            for (Node child : dir.children.values()) {
                if (child.isDirectory()) {
                    collect(child);
                }
            }
        }

        /** Gives each child of {@code dir} its short name; returns how many 32-byte entries the directory takes. */
        private int names(Node dir) {
            Set<String> taken = new HashSet<>();
            Map<String, Node> byUpper = new HashMap<>();
            long count = dir == root ? 0 : 2;
            for (Node child : dir.children.values()) {
                Node clash = byUpper.put(child.name.toUpperCase(Locale.ROOT), child);
                if (clash != null) {
                    throw new IllegalArgumentException("app files " + UserText.quote(clash.path) + " and " + UserText.quote(child.path)
                            + ": FAT cannot hold both, its names ignore case");
                }
                FatNames.Short exact = FatNames.exact(child.name);
                if (exact != null) {
                    child.shortName = exact;
                    taken.add(FatNames.key(exact.name()));
                }
            }
            Map<String, Integer> tails = new HashMap<>();
            for (Node child : dir.children.values()) {
                if (child.shortName == null) {
                    child.shortName = FatNames.alias(child.name, taken, tails);
                    count += FatNames.longEntries(child.name);
                }
                count++;
            }
            if (count > MAX_DIR_ENTRIES) {
                throw new IllegalArgumentException("app directory " + UserText.quote(dir.path) + " needs " + count
                        + " directory entries, more than FAT's " + MAX_DIR_ENTRIES + "; spread its files over subdirectories");
            }
            return (int) count;
        }

        private void writeDirectory(Node dir) {
            int at = (dir.firstCluster - 2) * CLUSTER;
            if (dir != root) {
                long time = dir.entry != null ? dir.entry.modified() : 0;
                at = shortEntry(at, dotName("."), 0, 0x10, dir.firstCluster, 0, time);
                int parent = dir.parent == root ? 0 : dir.parent.firstCluster;
                at = shortEntry(at, dotName(".."), 0, 0x10, parent, 0, time);
            }
            for (Node child : dir.children.values()) {
                FatNames.Short s = child.shortName;
                if (s.needsLong()) {
                    at = FatNames.writeLong(directories, at, child.name, FatNames.checksum(s.name()));
                }
                long time = child.entry != null ? child.entry.modified() : 0;
                if (child.isDirectory()) {
                    at = shortEntry(at, s.name(), s.caseFlags(), 0x10, child.firstCluster, 0, time);
                } else {
                    at = shortEntry(at, s.name(), s.caseFlags(), 0x20, child.entry.size() == 0 ? 0 : child.firstCluster,
                            child.entry.size(), time);
                }
            }
        }

        private static byte[] dotName(String dots) {
            byte[] n = new byte[11];
            Arrays.fill(n, (byte) ' ');
            for (int i = 0; i < dots.length(); i++) {
                n[i] = '.';
            }
            return n;
        }

        private int shortEntry(int at, byte[] name, int caseFlags, int attributes, int cluster, long size, long modified) {
            byte[] d = directories;
            System.arraycopy(name, 0, d, at, 11);
            d[at + 11] = (byte) attributes;
            d[at + 12] = (byte) caseFlags;
            int[] dt = dosTime(modified);
            putShort(d, at + 14, dt[1]);      // creation time
            putShort(d, at + 16, dt[0]);      // creation date
            putShort(d, at + 18, dt[0]);      // access date
            putShort(d, at + 20, cluster >>> 16);
            putShort(d, at + 22, dt[1]);      // write time
            putShort(d, at + 24, dt[0]);      // write date
            putShort(d, at + 26, cluster & 0xffff);
            d[at + 28] = (byte) size;
            d[at + 29] = (byte) (size >>> 8);
            d[at + 30] = (byte) (size >>> 16);
            d[at + 31] = (byte) (size >>> 24);
            return at + 32;
        }

        private static void putShort(byte[] d, int at, int value) {
            d[at] = (byte) value;
            d[at + 1] = (byte) (value >>> 8);
        }
    }

    /** A time as FAT's {date, time} (UTC), clamped to the years FAT can hold, 1980 to 2107. */
    static int[] dosTime(long millis) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
        if (t.getYear() < 1980) {
            t = LocalDateTime.of(1980, 1, 1, 0, 0);
        } else if (t.getYear() > 2107) {
            t = LocalDateTime.of(2107, 12, 31, 23, 59, 58);
        }
        int date = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int time = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() / 2);
        return new int[] {date, time};
    }
}
