package io.vstack.cache.internal.filter;

import io.vstack.api.disk.DiskChain;
import io.vstack.api.io.IoChain;
import io.vstack.api.io.IoOp;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Differencing disks for tests: each disk holds the blocks written to it; a disk's chain reads
 * each block from the first member holding it. {@link #commit} merges a disk into its parent and
 * bumps the parent's content version. Counts the reads that reach a store.
 */
final class FakeChains {

    private final int blockSize;
    private final Map<String, Map<Long, byte[]>> stores = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, String> parents = new HashMap<>();
    long storeReads;

    FakeChains(int blockSize) {
        this.blockSize = blockSize;
    }

    void disk(String id, String parent) {
        stores.put(id, new HashMap<>());
        versions.put(id, 0L);
        if (parent != null) {
            parents.put(id, parent);
        }
    }

    List<String> members(String id) {
        List<String> members = new java.util.ArrayList<>();
        for (String d = id; d != null; d = parents.get(d)) {
            members.add(d);
        }
        return List.copyOf(members);
    }

    DiskChain chain(String id) {
        List<String> members = members(id);
        return new DiskChain() {
            @Override
            public List<String> members() {
                return members;
            }

            @Override
            public int holderOf(long block) {
                for (int i = 0; i < members.size(); i++) {
                    if (stores.get(members.get(i)).containsKey(block)) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            public long contentVersion(int index) {
                return versions.get(members.get(index));
            }
        };
    }

    /** The storage end of disk {@code id}'s filter chain. */
    IoChain below(String id) {
        List<String> members = members(id);
        return request -> {
            long first = request.offset() / blockSize;
            ByteBuffer buffer = request.buffer();
            if (request.op() == IoOp.READ) {
                storeReads++;
            }
            for (int i = 0; i < request.length() / blockSize; i++) {
                long block = first + i;
                int at = buffer.position() + i * blockSize;
                switch (request.op()) {
                    case READ -> {
                        byte[] data = new byte[blockSize];
                        for (String m : members) {
                            byte[] held = stores.get(m).get(block);
                            if (held != null) {
                                data = held;
                                break;
                            }
                        }
                        buffer.put(at, data);
                    }
                    case WRITE -> {
                        byte[] data = new byte[blockSize];
                        buffer.get(at, data);
                        stores.get(id).put(block, data);
                    }
                    case TRIM -> stores.get(id).remove(block);
                    default -> {
                    }
                }
            }
        };
    }

    /** Writes a block directly into a disk's store (e.g. the base, before it has children). */
    void store(String id, long block, byte[] data) {
        stores.get(id).put(block, data);
    }

    /** Merges {@code child}'s blocks into its parent, which changes the parent's content. */
    void commit(String child) {
        String parent = parents.get(child);
        stores.get(parent).putAll(stores.get(child));
        stores.get(child).clear();
        versions.merge(parent, 1L, Long::sum);
    }
}
