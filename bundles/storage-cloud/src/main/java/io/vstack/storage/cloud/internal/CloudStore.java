package io.vstack.storage.cloud.internal;

import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * An open cloud store: byte ranges mapped onto chunk objects. A read GETs the byte range it needs
 * of each chunk (an absent chunk reads as zeros); a write of a whole chunk PUTs it, a write of part
 * of one reads the chunk, merges and PUTs it back (read-modify-write) under the chunk's lock. With
 * the write-back cache on, writes land in the cache and reach S3 when a chunk is evicted or on
 * {@link #flush()}.
 * <p>Thread-safe. One host writes a store at a time (the disk layer's ownership rule): the chunk
 * locks are per open store.
 */
final class CloudStore implements BlockStore {

    private static final int STRIPES = 64;

    private final CloudBackend backend;
    private final String id;
    private final long capacity;
    private final int chunkSize;
    private final Object[] stripes = new Object[STRIPES];
    private final Cache cache;
    private volatile boolean closed;

    CloudStore(CloudBackend backend, String id, long capacity, int chunkSize, long cacheBytes) {
        this.backend = backend;
        this.id = id;
        this.capacity = capacity;
        this.chunkSize = chunkSize;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
        this.cache = cacheBytes == 0 ? null : new Cache((int) Math.max(1, cacheBytes / chunkSize));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        check(offset, dst.remaining());
        int start = dst.position();
        int end = dst.limit();
        long at = offset;
        try {
            while (dst.position() < end) {
                long chunk = at / chunkSize;
                int in = (int) (at % chunkSize);
                int n = Math.min(chunkSize - in, end - dst.position());
                if (cache == null || !cache.copyOut(chunk, in, dst, n)) {
                    getRange(chunk, in, n, dst);
                }
                at += n;
            }
        } catch (StorageException | RuntimeException e) {
            dst.position(start).limit(end);
            throw e;
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        check(offset, src.remaining());
        int start = src.position();
        int end = src.limit();
        long at = offset;
        try {
            while (src.position() < end) {
                long chunk = at / chunkSize;
                int in = (int) (at % chunkSize);
                int n = Math.min(chunkSize - in, end - src.position());
                src.limit(src.position() + n);
                if (cache != null) {
                    cache.write(chunk, in, src);
                } else {
                    synchronized (stripes[(int) (chunk % STRIPES)]) {
                        if (n == chunkSize) {
                            put(chunk, src);
                        } else {
                            byte[] data = getWhole(chunk);
                            src.get(data, in, n);
                            put(chunk, ByteBuffer.wrap(data));
                        }
                    }
                }
                src.limit(end);
                at += n;
            }
        } catch (StorageException | RuntimeException e) {
            src.limit(end).position(start);
            throw e;
        }
    }

    @Override
    public void flush() throws StorageException {
        check(0, 0);
        if (cache != null) {
            cache.flush();
        }
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        check(offset, length);
        long at = offset;
        long end = offset + length;
        while (at < end) {
            long chunk = at / chunkSize;
            int in = (int) (at % chunkSize);
            int n = (int) Math.min(chunkSize - in, end - at);
            if (n == chunkSize) {
                // A whole chunk: its object goes; an absent chunk reads as zeros.
                synchronized (stripes[(int) (chunk % STRIPES)]) {
                    if (cache != null) {
                        cache.drop(chunk);
                    }
                    backend.s3(id, "deleting chunk " + chunk, s3 -> s3.deleteObject(b -> b.bucket(backend.config().bucket())
                            .key(key(chunk))));
                }
            } else {
                write(at, ByteBuffer.wrap(new byte[n]));
            }
            at += n;
        }
    }

    @Override
    public void close() throws StorageException {
        if (closed) {
            return;
        }
        flush();
        closed = true;
    }

    private String key(long chunk) {
        return id + "/c/" + String.format("%016x", chunk);
    }

    /** GETs {@code n} bytes at {@code in} of a chunk into {@code dst}; zeros if the chunk was never written. */
    private void getRange(long chunk, int in, int n, ByteBuffer dst) throws StorageException {
        int start = dst.position();
        boolean found = backend.s3(id, "reading chunk " + chunk, s3 -> {
            dst.position(start);
            try (ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(backend.config().bucket())
                    .key(key(chunk)).range("bytes=" + in + "-" + (in + n - 1)))) {
                readFully(body, dst, n);
                return true;
            } catch (NoSuchKeyException e) {
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        backend.gets.increment();
        if (!found) {
            dst.position(start);
            for (int i = 0; i < n; i++) {
                dst.put((byte) 0);
            }
        } else {
            backend.bytesIn.add(n);
        }
    }

    private byte[] getWhole(long chunk) throws StorageException {
        byte[] data = new byte[chunkSize];
        ByteBuffer buffer = ByteBuffer.wrap(data);
        getRange(chunk, 0, chunkSize, buffer);
        return data;
    }

    private void put(long chunk, ByteBuffer body) throws StorageException {
        int n = body.remaining();
        backend.s3(id, "writing chunk " + chunk, s3 -> s3.putObject(b -> b.bucket(backend.config().bucket()).key(key(chunk))
                .contentLength((long) n), RequestBody.fromRemainingByteBuffer(body)));
        body.position(body.limit());
        backend.puts.increment();
        backend.bytesOut.add(n);
    }

    private static void readFully(InputStream in, ByteBuffer dst, int n) throws IOException {
        byte[] buffer = new byte[Math.min(n, 64 << 10)];
        int left = n;
        while (left > 0) {
            int r = in.read(buffer, 0, Math.min(buffer.length, left));
            if (r < 0) {
                throw new IOException("object ended " + left + " bytes early");
            }
            dst.put(buffer, 0, r);
            left -= r;
        }
    }

    private void check(long offset, long length) throws StorageException {
        if (closed) {
            throw new StorageException(backend.name() + ": store " + id + " is closed");
        }
        if (offset < 0 || length < 0 || offset > capacity - length) {
            throw new IllegalArgumentException(backend.name() + ": store " + id + ": range " + offset + "+" + length
                    + " is outside its capacity " + capacity);
        }
    }

    /**
     * The local write-back cache: whole chunks in memory, least recently used first out; a dirty
     * chunk is PUT before it leaves. One lock: S3 calls for loads and evictions run under it.
     */
    private final class Cache {
        private final int maxChunks;
        private final LinkedHashMap<Long, byte[]> chunks = new LinkedHashMap<>(16, 0.75f, true);
        private final TreeSet<Long> dirty = new TreeSet<>();

        Cache(int maxChunks) {
            this.maxChunks = maxChunks;
        }

        synchronized boolean copyOut(long chunk, int in, ByteBuffer dst, int n) {
            byte[] data = chunks.get(chunk);
            if (data == null) {
                return false;
            }
            dst.put(data, in, n);
            return true;
        }

        synchronized void write(long chunk, int in, ByteBuffer src) throws StorageException {
            byte[] data = chunks.get(chunk);
            if (data == null) {
                data = src.remaining() == chunkSize ? new byte[chunkSize] : getWhole(chunk);
                chunks.put(chunk, data);
            }
            src.get(data, in, src.remaining());
            dirty.add(chunk);
            evict();
        }

        private void evict() throws StorageException {
            Iterator<Map.Entry<Long, byte[]>> eldest = chunks.entrySet().iterator();
            while (chunks.size() > maxChunks && eldest.hasNext()) {
                Map.Entry<Long, byte[]> entry = eldest.next();
                if (dirty.contains(entry.getKey())) {
                    put(entry.getKey(), ByteBuffer.wrap(entry.getValue()));
                    dirty.remove(entry.getKey());
                }
                eldest.remove();
            }
        }

        synchronized void flush() throws StorageException {
            while (!dirty.isEmpty()) {
                Long chunk = dirty.first();
                put(chunk, ByteBuffer.wrap(chunks.get(chunk)));
                dirty.remove(chunk);
            }
        }

        synchronized void drop(long chunk) {
            chunks.remove(chunk);
            dirty.remove(chunk);
        }
    }
}
