package io.vstack.storage.pool.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32;

/**
 * A pool's allocation metadata: the used-block bitmap, the clean boundary (blocks at or above it
 * were never handed out, so they still read as zero in the sparse pool file) and each store's
 * map from its virtual blocks to pool blocks. Serialized as a versioned snapshot with a CRC, and
 * changed by {@link Record}s that a write-ahead log replays.
 * <p>Not thread-safe: {@link TempPool} guards it with its lock.
 */
final class PoolState {

    static final long UNMAPPED = -1;
    private static final int STRIPES = 32;

    private static final long SNAPSHOT_MAGIC = 0x5653504f4f4c4d31L; // "VSPOOLM1"
    private static final int VERSION = 1;

    /** One store's block map. */
    static final class StoreMap {
        final String id;
        final long capacity;
        final int diskBlock;
        final String host;
        final long[] blocks;
        int mapped;
        /** Live only: blocks taken for first writes not yet published, counted against the quota. */
        int inFlight;
        /** Live only: set when the store is deleted, so handles still open fail. */
        volatile boolean deleted;
        /** Live only: orders a virtual block's first write and trim against its readers (stripes by block). */
        final ReentrantReadWriteLock[] stripes;

        StoreMap(String id, long capacity, int diskBlock, String host, int poolBlock) {
            this.id = id;
            this.capacity = capacity;
            this.diskBlock = diskBlock;
            this.host = host;
            this.blocks = new long[(int) ((capacity + poolBlock - 1) / poolBlock)];
            Arrays.fill(blocks, UNMAPPED);
            this.stripes = new ReentrantReadWriteLock[STRIPES];
            for (int i = 0; i < STRIPES; i++) {
                stripes[i] = new ReentrantReadWriteLock();
            }
        }

        /** The stripe lock of virtual block {@code vblock}. */
        ReentrantReadWriteLock stripe(int vblock) {
            return stripes[vblock & (STRIPES - 1)];
        }
    }

    /** A change to the state, as the write-ahead log holds it. */
    sealed interface Record permits Create, MapBlock, Unmap, Delete, Clean, Free, Mark {
    }

    /** A store is created. */
    record Create(String id, long capacity, int diskBlock, String host) implements Record {
    }

    /** A store's virtual block {@code vblock} is now pool block {@code pblock}. */
    record MapBlock(String id, int vblock, long pblock) implements Record {
    }

    /** A store's virtual block gave back pool block {@code pblock} (trim). */
    record Unmap(String id, int vblock, long pblock) implements Record {
    }

    /** A store and all its blocks are gone. */
    record Delete(String id) implements Record {
    }

    /** Blocks below {@code boundary} may have been handed out. */
    record Clean(long boundary) implements Record {
    }

    /** The checker's repair: a leaked block is free again. */
    record Free(long pblock) implements Record {
    }

    /** The checker's repair: an owned block not marked used is marked. */
    record Mark(long pblock) implements Record {
    }

    final int blockSize;
    final long blocks;
    long clean;
    long seq;
    final BitSet used;
    final Map<String, StoreMap> stores = new TreeMap<>();
    /** Records that referred to what does not exist (a store never created, a block out of range), for the checker. */
    final List<String> anomalies = new ArrayList<>();

    PoolState(int blockSize, long blocks) {
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a pool holds at most " + Integer.MAX_VALUE + " blocks");
        }
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.used = new BitSet((int) blocks);
    }

    /** Applies a committed record (replay): frees take effect at once. */
    void apply(Record record) {
        if (record instanceof Create c) {
            if (stores.containsKey(c.id())) {
                anomalies.add("store " + c.id() + " created twice");
            }
            stores.put(c.id(), new StoreMap(c.id(), c.capacity(), c.diskBlock(), c.host(), blockSize));
        } else if (record instanceof MapBlock m) {
            StoreMap s = stores.get(m.id());
            if (s == null || m.vblock() < 0 || m.vblock() >= s.blocks.length || !inRange(m.pblock())) {
                anomalies.add("mapping of " + m.id() + " block " + m.vblock() + " to pool block " + m.pblock()
                        + " refers to no such store or block");
                return;
            }
            if (s.blocks[m.vblock()] == UNMAPPED) {
                s.mapped++;
            }
            s.blocks[m.vblock()] = m.pblock();
            used.set((int) m.pblock());
        } else if (record instanceof Unmap u) {
            StoreMap s = stores.get(u.id());
            if (s != null && u.vblock() >= 0 && u.vblock() < s.blocks.length && s.blocks[u.vblock()] == u.pblock()) {
                s.blocks[u.vblock()] = UNMAPPED;
                s.mapped--;
            }
            if (inRange(u.pblock())) {
                used.clear((int) u.pblock());
            }
        } else if (record instanceof Delete d) {
            StoreMap s = stores.remove(d.id());
            if (s != null) {
                for (long p : s.blocks) {
                    if (p != UNMAPPED && inRange(p)) {
                        used.clear((int) p);
                    }
                }
            }
        } else if (record instanceof Clean c) {
            clean = Math.max(clean, Math.min(blocks, c.boundary()));
        } else if (record instanceof Free f) {
            if (inRange(f.pblock())) {
                used.clear((int) f.pblock());
            }
        } else if (record instanceof Mark m && inRange(m.pblock())) {
            used.set((int) m.pblock());
        }
    }

    boolean inRange(long pblock) {
        return pblock >= 0 && pblock < blocks;
    }

    /** The snapshot: versioned, with a CRC32 over everything before it. */
    byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(SNAPSHOT_MAGIC);
            out.writeInt(VERSION);
            out.writeLong(seq);
            out.writeInt(blockSize);
            out.writeLong(blocks);
            out.writeLong(clean);
            long[] words = used.toLongArray();
            out.writeInt(words.length);
            for (long w : words) {
                out.writeLong(w);
            }
            out.writeInt(stores.size());
            for (StoreMap s : stores.values()) {
                out.writeUTF(s.id);
                out.writeLong(s.capacity);
                out.writeInt(s.diskBlock);
                out.writeUTF(s.host);
                out.writeInt(s.mapped);
                for (int v = 0; v < s.blocks.length; v++) {
                    if (s.blocks[v] != UNMAPPED) {
                        out.writeInt(v);
                        out.writeLong(s.blocks[v]);
                    }
                }
            }
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return withCrc(bytes.toByteArray());
    }

    /**
     * Reads a snapshot.
     *
     * @throws IOException saying what is wrong if it is corrupt, of another version or of another geometry
     */
    static PoolState read(byte[] content, int blockSize, long blocks) throws IOException {
        if (content.length < 4 || crc(content, content.length - 4) != ByteBuffer.wrap(content, content.length - 4, 4).getInt()) {
            throw new IOException("its checksum does not match (corrupt)");
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(content, 0, content.length - 4));
        if (in.readLong() != SNAPSHOT_MAGIC) {
            throw new IOException("not a pool metadata file");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("unsupported metadata version " + version);
        }
        long seq = in.readLong();
        int bs = in.readInt();
        long n = in.readLong();
        if (bs != blockSize || n != blocks) {
            throw new IOException("it describes " + n + " blocks of " + bs + " bytes, the pool " + blocks + " of " + blockSize);
        }
        PoolState state = new PoolState(blockSize, blocks);
        state.seq = seq;
        state.clean = in.readLong();
        long[] words = new long[in.readInt()];
        for (int i = 0; i < words.length; i++) {
            words[i] = in.readLong();
        }
        state.used.or(BitSet.valueOf(words));
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
            StoreMap s = new StoreMap(in.readUTF(), in.readLong(), in.readInt(), in.readUTF(), blockSize);
            int mapped = in.readInt();
            for (int j = 0; j < mapped; j++) {
                int v = in.readInt();
                long p = in.readLong();
                if (v < 0 || v >= s.blocks.length) {
                    throw new IOException("store " + s.id + " maps block " + v + " beyond its capacity");
                }
                s.blocks[v] = p;
            }
            s.mapped = mapped;
            state.stores.put(s.id, s);
        }
        return state;
    }

    static byte[] withCrc(byte[] body) {
        byte[] out = Arrays.copyOf(body, body.length + 4);
        ByteBuffer.wrap(out, body.length, 4).putInt(crc(body, body.length));
        return out;
    }

    static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }

    // Record codec for the write-ahead log.

    private static final byte CREATE = 1;
    private static final byte MAP = 2;
    private static final byte UNMAP = 3;
    private static final byte DELETE = 4;
    private static final byte CLEAN = 5;
    private static final byte FREE = 6;
    private static final byte MARK = 7;

    static byte[] encode(Record record) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (record instanceof Create c) {
                out.writeByte(CREATE);
                out.writeUTF(c.id());
                out.writeLong(c.capacity());
                out.writeInt(c.diskBlock());
                out.writeUTF(c.host());
            } else if (record instanceof MapBlock m) {
                out.writeByte(MAP);
                out.writeUTF(m.id());
                out.writeInt(m.vblock());
                out.writeLong(m.pblock());
            } else if (record instanceof Unmap u) {
                out.writeByte(UNMAP);
                out.writeUTF(u.id());
                out.writeInt(u.vblock());
                out.writeLong(u.pblock());
            } else if (record instanceof Delete d) {
                out.writeByte(DELETE);
                out.writeUTF(d.id());
            } else if (record instanceof Clean c) {
                out.writeByte(CLEAN);
                out.writeLong(c.boundary());
            } else if (record instanceof Free f) {
                out.writeByte(FREE);
                out.writeLong(f.pblock());
            } else if (record instanceof Mark m) {
                out.writeByte(MARK);
                out.writeLong(m.pblock());
            }
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }

    static Record decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        byte type = in.readByte();
        return switch (type) {
            case CREATE -> new Create(in.readUTF(), in.readLong(), in.readInt(), in.readUTF());
            case MAP -> new MapBlock(in.readUTF(), in.readInt(), in.readLong());
            case UNMAP -> new Unmap(in.readUTF(), in.readInt(), in.readLong());
            case DELETE -> new Delete(in.readUTF());
            case CLEAN -> new Clean(in.readLong());
            case FREE -> new Free(in.readLong());
            case MARK -> new Mark(in.readLong());
            default -> throw new IOException("unknown record type " + type);
        };
    }
}
