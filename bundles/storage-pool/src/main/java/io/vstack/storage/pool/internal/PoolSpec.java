package io.vstack.storage.pool.internal;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.storage.StoreSpec;
import io.vstack.support.StoreFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * What a pool is made of, as {@code disk:pool-create} gives it and its registry file
 * ({@code <name>.pool}, a versioned properties file written crash-safely) keeps it.
 *
 * @param name      the pool's name: letters, digits, {@code . _ -}
 * @param file      the pool file holding every block
 * @param size      the pool file's size, a multiple of {@code blockSize}
 * @param blockSize the pool block, the unit of allocation: a power of two from 64 KiB to 1 MiB
 * @param quota     the most bytes of pool blocks one disk may hold, 0 for no limit
 * @param onFull    what a write that needs a block does when none is free
 * @param lowWater  free blocks at or below which the pool reports its low-water mark
 */
public record PoolSpec(String name, Path file, long size, int blockSize, long quota, OnFull onFull, long lowWater) {

    static final int MIN_BLOCK = 64 << 10;
    static final int MAX_BLOCK = 1 << 20;
    static final String SUFFIX = ".pool";
    private static final String VERSION = "1";

    /** What a write that needs a block does when the pool has none free. */
    public enum OnFull {
        /** Waits (bounded by the backend's {@code queueTimeout}) for blocks to be returned, then fails. */
        QUEUE,
        /** Fails at once. */
        ERROR;

        /** Parses {@code queue} or {@code error}. */
        public static OnFull parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "queue" -> QUEUE;
                case "error" -> ERROR;
                default -> throw new IllegalArgumentException("--on-full " + UserText.quote(text) + " must be queue or error");
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public PoolSpec {
        StoreSpec.requireValidName("pool name", name);
        if (blockSize < MIN_BLOCK || blockSize > MAX_BLOCK || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("pool block " + ByteSize.ofBytes(blockSize)
                    + " must be a power of two from 64K to 1M");
        }
        if (size < blockSize || size % blockSize != 0) {
            throw new IllegalArgumentException("pool size " + ByteSize.ofBytes(size) + " must be a positive multiple of the pool block "
                    + ByteSize.ofBytes(blockSize));
        }
        if (size / blockSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pool size " + ByteSize.ofBytes(size) + " is more than " + Integer.MAX_VALUE
                    + " blocks of " + ByteSize.ofBytes(blockSize) + ": use a larger --block");
        }
        if (quota != 0 && quota < blockSize) {
            throw new IllegalArgumentException("quota " + ByteSize.ofBytes(quota) + " is less than one pool block "
                    + ByteSize.ofBytes(blockSize));
        }
        if (quota < 0 || lowWater < 0 || lowWater > size / blockSize) {
            throw new IllegalArgumentException("quota and low-water mark must be from 0 to the pool's size");
        }
    }

    /** The number of pool blocks. */
    public long blocks() {
        return size / blockSize;
    }

    /** The most blocks one disk may hold. */
    long quotaBlocks() {
        return quota == 0 ? Long.MAX_VALUE : quota / blockSize;
    }

    /** The registry file of pool {@code name} in {@code directory}. */
    static Path registryFile(Path directory, String name) {
        return directory.resolve(name + SUFFIX);
    }

    void write(Path directory) throws IOException {
        Properties p = new Properties();
        p.setProperty("version", VERSION);
        p.setProperty("file", file.toString());
        p.setProperty("size", Long.toString(size));
        p.setProperty("blockSize", Integer.toString(blockSize));
        p.setProperty("quota", Long.toString(quota));
        p.setProperty("onFull", onFull.toString());
        p.setProperty("lowWater", Long.toString(lowWater));
        StoreFiles.writeAtomically(registryFile(directory, name), p, "vstack elastic temporary pool");
    }

    /**
     * Reads a registry file.
     *
     * @throws IOException naming the file if it is of another version or corrupt
     */
    static PoolSpec read(Path file) throws IOException {
        Properties p = StoreFiles.readProperties(file);
        if (!VERSION.equals(p.getProperty("version"))) {
            throw new IOException(file + ": unsupported pool version " + p.getProperty("version"));
        }
        String fileName = file.getFileName().toString();
        try {
            return new PoolSpec(fileName.substring(0, fileName.length() - SUFFIX.length()), Path.of(p.getProperty("file")),
                    Long.parseLong(p.getProperty("size")), Integer.parseInt(p.getProperty("blockSize")),
                    Long.parseLong(p.getProperty("quota")), OnFull.parse(p.getProperty("onFull")),
                    Long.parseLong(p.getProperty("lowWater")));
        } catch (RuntimeException e) {
            throw new IOException(file + ": corrupt pool registry file: " + e.getMessage(), e);
        }
    }
}
