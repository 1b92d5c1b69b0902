package io.vstack.disks.internal.content;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.io.IoException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * An app set on an app disk: the files' bytes as extents (each from a cluster boundary, padded
 * with zeros to the next), then the catalog (every entry's path, kind, size, time and offset),
 * then, written last, the header in the first cluster that points at the catalog and carries
 * its CRC-32C. An app disk whose header is not there (or not valid) holds no app set; a crash
 * before the header is written leaves none.
 * <p>Header (little-endian, cluster 0): magic {@code VSTKAPPS}, version 1, entry count, catalog
 * offset (8 bytes), catalog length, catalog CRC-32C, then the CRC-32C of those 32 bytes.
 */
final class AppSet {

    static final byte[] MAGIC = "VSTKAPPS".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int CLUSTER = FatVolume.CLUSTER;
    private static final int COPY_BUFFER = 1 << 20;

    /** A catalog read from an app disk, and its CRC-32C (what a content disk records of it). */
    record Catalog(List<AppFile> entries, int crc) {
    }

    /** An app set to copy: its entries (files in the order their bytes go), and each file's source on the host. */
    record Plan(List<AppFile> entries, List<Path> sources, long bytes) {
    }

    private AppSet() {
    }

    /**
     * Plans the copy of host files: one directory alone gives its content as the volume's root;
     * otherwise each file goes to the root under its name and each directory as a directory of
     * its name. Every file is checked here, before anything is written: it exists, is a regular
     * file (or directory) and can be read, and is within FAT32's 4 GiB limit.
     *
     * @throws IllegalArgumentException naming the file and the reason
     */
    static Plan plan(List<Path> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no app files given");
        }
        List<AppFile> entries = new ArrayList<>();
        List<Path> sources = new ArrayList<>();
        long[] offset = {CLUSTER};
        boolean flatten = roots.size() == 1 && Files.isDirectory(roots.get(0));
        for (Path root : roots) {
            requireReadable(root);
            if (Files.isDirectory(root)) {
                String prefix = flatten ? "" : root.getFileName() + "/";
                if (!flatten) {
                    entries.add(AppFile.directory(prefix.substring(0, prefix.length() - 1), modified(root)));
                }
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(p -> !p.equals(root)).sorted().forEach(p -> {
                        requireReadable(p);
                        String path = prefix + relative(root, p);
                        if (Files.isDirectory(p)) {
                            entries.add(AppFile.directory(path, modified(p)));
                        } else {
                            add(entries, sources, offset, path, p);
                        }
                    });
                } catch (IOException e) {
                    throw new IllegalArgumentException("app directory " + UserText.quote(root.toString()) + " cannot be read: "
                            + e.getMessage(), e);
                } catch (UncheckedIOException e) {
                    throw new IllegalArgumentException("app directory " + UserText.quote(root.toString()) + " cannot be read: "
                            + e.getCause().getMessage(), e);
                }
            } else {
                add(entries, sources, offset, String.valueOf(root.getFileName()), root);
            }
        }
        return new Plan(List.copyOf(entries), List.copyOf(sources), offset[0]);
    }

    private static String relative(Path root, Path p) {
        StringBuilder path = new StringBuilder();
        for (Path part : root.relativize(p)) {
            path.append(path.length() == 0 ? "" : "/").append(part);
        }
        return path.toString();
    }

    private static void add(List<AppFile> entries, List<Path> sources, long[] offset, String path, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("app file " + UserText.quote(file.toString()) + " is not a regular file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("app file " + UserText.quote(file.toString()) + " cannot be read: " + e, e);
        }
        if (size > FatVolume.MAX_FILE) {
            throw new IllegalArgumentException("app file " + UserText.quote(file.toString()) + " has " + size
                    + " bytes, more than FAT32's limit of 4 GiB - 1 (" + FatVolume.MAX_FILE + ")");
        }
        entries.add(AppFile.file(path, size, modified(file), offset[0]));
        sources.add(file);
        offset[0] += (size + CLUSTER - 1) / CLUSTER * CLUSTER;
    }

    private static void requireReadable(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
            throw new IllegalArgumentException("app file " + UserText.quote(p.toString()) + " does not exist");
        }
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("app file " + UserText.quote(p.toString()) + " is a broken symbolic link");
        }
        if (!Files.isReadable(p) || (Files.isDirectory(p) && !Files.isExecutable(p))) {
            throw new IllegalArgumentException("app file " + UserText.quote(p.toString()) + " cannot be read: permission denied");
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            throw new IllegalArgumentException("app file " + UserText.quote(p.toString()) + " cannot be read: " + e, e);
        }
    }

    // ---- on the app disk ----------------------------------------------------------------------------

    /** The catalog of the app set on an app disk, or null if it holds none. */
    static Catalog read(DiskHandle app, String appDisk) throws IoException {
        ByteBuffer header = ByteBuffer.allocate(CLUSTER).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        app.read(0, header);
        byte[] magic = new byte[8];
        header.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, 32);
        if ((int) crc.getValue() != header.getInt(32) || header.getInt(8) != VERSION) {
            return null;
        }
        int count = header.getInt(12);
        long at = header.getLong(16);
        int length = header.getInt(24);
        int expected = header.getInt(28);
        ByteBuffer catalog = ByteBuffer.allocate(padded(length));
        app.read(at, catalog);
        CRC32C check = new CRC32C();
        check.update(catalog.array(), 0, length);
        if ((int) check.getValue() != expected) {
            throw new IoException("app disk " + appDisk + ": its app set catalog is corrupt (CRC-32C mismatch at offset " + at
                    + "); copy the app set onto it again");
        }
        List<AppFile> entries = new ArrayList<>(count);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(catalog.array(), 0, length))) {
            for (int i = 0; i < count; i++) {
                boolean directory = in.readByte() == 1;
                String path = in.readUTF();
                long size = in.readLong();
                long modified = in.readLong();
                long offset = in.readLong();
                entries.add(new AppFile(path, directory, size, modified, offset));
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IoException("app disk " + appDisk + ": its app set catalog cannot be read: " + e.getMessage(), e);
        }
        return new Catalog(List.copyOf(entries), expected);
    }

    /**
     * Copies the planned files onto the app disk, then its catalog, flushes, and writes the header
     * last (flushed too). {@code capacity} is the app disk's; the caller checked {@link #needs}.
     *
     * @return the catalog written
     */
    static Catalog write(Plan plan, DiskHandle app, String appDisk) throws IoException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(COPY_BUFFER);
        int f = 0;
        for (AppFile e : plan.entries()) {
            if (e.directory()) {
                continue;
            }
            Path source = plan.sources().get(f++);
            copy(source, e, app, buffer);
        }
        byte[] catalog = encode(plan.entries());
        CRC32C crc = new CRC32C();
        crc.update(catalog);
        int catalogCrc = (int) crc.getValue();
        ByteBuffer padded = ByteBuffer.allocate(padded(catalog.length));
        padded.put(catalog).clear();
        app.write(plan.bytes(), padded);
        app.flush();
        ByteBuffer header = ByteBuffer.allocate(CLUSTER).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION).putInt(plan.entries().size()).putLong(plan.bytes()).putInt(catalog.length)
                .putInt(catalogCrc);
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(header.array(), 0, 32);
        header.putInt(32, (int) headerCrc.getValue()).clear();
        app.write(0, header);
        app.flush();
        return new Catalog(plan.entries(), catalogCrc);
    }

    /** The bytes an app set takes on its app disk: header, extents, catalog. */
    static long needs(Plan plan) {
        return plan.bytes() + padded(encode(plan.entries()).length);
    }

    private static void copy(Path source, AppFile e, DiskHandle app, ByteBuffer buffer) throws IoException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            long done = 0;
            while (done < e.size()) {
                buffer.clear();
                int want = (int) Math.min(buffer.capacity(), e.size() - done);
                buffer.limit(want);
                while (buffer.hasRemaining()) {
                    if (in.read(buffer, done + buffer.position()) < 0) {
                        throw new IoException("app file " + UserText.quote(source.toString()) + " shrank while it was copied ("
                                + e.size() + " bytes expected)");
                    }
                }
                int whole = padded(want);
                buffer.limit(whole);
                while (buffer.hasRemaining()) {
                    buffer.put((byte) 0);
                }
                buffer.flip();
                app.write(e.appOffset() + done, buffer);
                done += want;
            }
        } catch (AccessDeniedException x) {
            throw new IoException("app file " + UserText.quote(source.toString()) + " cannot be read: permission denied", x);
        } catch (IOException x) {
            throw new IoException("app file " + UserText.quote(source.toString()) + " cannot be read: " + x.getMessage(), x);
        }
    }

    private static byte[] encode(List<AppFile> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.size() * 48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (AppFile e : entries) {
                out.writeByte(e.directory() ? 1 : 0);
                out.writeUTF(e.path());
                out.writeLong(e.size());
                out.writeLong(e.modified());
                out.writeLong(e.appOffset());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int padded(int length) {
        return (length + CLUSTER - 1) / CLUSTER * CLUSTER;
    }
}
