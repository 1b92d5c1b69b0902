package io.vstack.storage.nfs.internal;

import io.vstack.support.StoreFiles;
import io.vstack.support.StoreMetadata;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One host's open file on the export, as an NFS client sees it: a file handle checked on every
 * call (removed underneath: ESTALE), and a client write-back cache of dirty pages, written to the
 * server when it exceeds its limit and committed on {@link #flush()} and {@link #close()}. So, as
 * with NFS close-to-open consistency, another host sees this host's writes once it has flushed or
 * closed and the other host opens the file after that.
 * <p>Thread-safe: the cache is guarded by one lock; with the cache empty, reads go straight to the
 * server on the caller's buffer.
 */
final class NfsFile implements BlockStore {

    static final int PAGE = 4096;

    private final NfsBackend export;
    private final String id;
    private final String host;
    private final StoreMetadata geometry;
    private final Path path;
    private final Object fileKey;
    private final FileChannel channel;
    private final int cachePages;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, byte[]> dirty = new TreeMap<>();
    private final ArrayDeque<byte[]> freePages = new ArrayDeque<>();
    private volatile boolean closed;

    NfsFile(NfsBackend export, String id, String host, StoreMetadata geometry, Path path, int cacheBytes) throws IOException {
        this.export = export;
        this.id = id;
        this.host = host;
        this.geometry = geometry;
        this.path = path;
        this.fileKey = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        this.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.cachePages = cacheBytes / PAGE;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long capacity() {
        return geometry.capacity();
    }

    String host() {
        return host;
    }

    int dirtyPages() {
        lock.lock();
        try {
            return dirty.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        check(offset, dst.remaining());
        if (cachePages == 0 || dirtyPages() == 0) {
            serverRead(offset, dst);
            return;
        }
        lock.lock();
        try {
            int end = dst.limit();
            long at = offset;
            while (dst.position() < end) {
                long page = at / PAGE;
                int inPage = (int) (at % PAGE);
                int n = Math.min(PAGE - inPage, end - dst.position());
                byte[] cached = dirty.get(page);
                if (cached != null) {
                    dst.put(cached, inPage, n);
                } else {
                    dst.limit(dst.position() + n);
                    serverRead(at, dst);
                    dst.limit(end);
                }
                at += n;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        check(offset, src.remaining());
        if (cachePages == 0) {
            serverWrite(offset, src);
            return;
        }
        lock.lock();
        try {
            int start = src.position();
            long at = offset;
            while (src.hasRemaining()) {
                long page = at / PAGE;
                int inPage = (int) (at % PAGE);
                int n = Math.min(PAGE - inPage, src.remaining());
                byte[] cached = dirty.get(page);
                if (cached == null) {
                    cached = freePages.isEmpty() ? new byte[PAGE] : freePages.pop();
                    if (n < PAGE) {
                        // A partial page: the client reads the rest of it from the server first.
                        try {
                            serverRead(page * PAGE, ByteBuffer.wrap(cached));
                        } catch (StorageException e) {
                            freePages.push(cached);
                            src.position(start);
                            throw e;
                        }
                    }
                    dirty.put(page, cached);
                }
                src.get(cached, inPage, n);
                at += n;
            }
            if (dirty.size() > cachePages) {
                writeBack();
            }
        } finally {
            lock.unlock();
        }
    }

    /** COMMIT: writes the dirty pages back and makes everything durable on the server. */
    @Override
    public void flush() throws StorageException {
        check(0, 0);
        lock.lock();
        try {
            writeBack();
            export.server.call("COMMIT", id);
            validate();
            try {
                channel.force(false);
            } catch (IOException e) {
                throw failure("COMMIT", e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        check(offset, length);
        StoreFiles.fillZeros(offset, length, this::write);
    }

    /**
     * Close-to-open: commits the dirty pages, then lets the file go and releases this host's lock.
     * If the commit fails, the handle stays open with its dirty pages, so nothing acknowledged is lost.
     */
    @Override
    public void close() throws StorageException {
        if (closed) {
            return;
        }
        flush();
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw failure("close", e);
        } finally {
            export.release(this);
        }
    }

    /** Writes the dirty pages to the server (unstable WRITEs), in offset order. Under the lock. */
    private void writeBack() throws StorageException {
        Iterator<Map.Entry<Long, byte[]>> it = dirty.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, byte[]> entry = it.next();
            serverWrite(entry.getKey() * PAGE, ByteBuffer.wrap(entry.getValue()));
            freePages.push(entry.getValue());
            it.remove();
        }
    }

    private void serverRead(long offset, ByteBuffer dst) throws StorageException {
        export.server.call("READ", id);
        validate();
        int start = dst.position();
        try {
            while (dst.hasRemaining()) {
                if (channel.read(dst, offset + dst.position() - start) < 0) {
                    while (dst.hasRemaining()) {
                        dst.put((byte) 0);
                    }
                }
            }
        } catch (IOException e) {
            dst.position(start);
            throw failure("READ at " + offset, e);
        }
    }

    private void serverWrite(long offset, ByteBuffer src) throws StorageException {
        int start = src.position();
        export.server.call("WRITE", id);
        validate();
        try {
            while (src.hasRemaining()) {
                channel.write(src, offset + src.position() - start);
            }
        } catch (IOException e) {
            src.position(start);
            throw failure("WRITE at " + offset, e);
        }
    }

    /** The server's check of the file handle: the file must still be the one this handle opened. */
    private void validate() throws StaleHandleException {
        Object key;
        try {
            key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            key = null;
        } catch (IOException e) {
            key = null;
        }
        if (key == null || !Objects.equals(key, fileKey)) {
            throw new StaleHandleException(export.name() + ": file " + id + " (opened by " + host
                    + "): stale file handle (ESTALE): it was removed or replaced on the server; reopen it");
        }
    }

    private StorageException failure(String what, IOException e) {
        return new StorageException(export.name() + ": file " + id + ": " + what + " failed: " + e.getMessage(), e);
    }

    private void check(long offset, long length) throws StorageException {
        if (closed) {
            throw new StorageException(export.name() + ": file " + id + " is closed");
        }
        if (offset < 0 || length < 0 || offset > geometry.capacity() - length) {
            throw new IllegalArgumentException(export.name() + ": file " + id + ": range " + offset + "+" + length
                    + " is outside its capacity " + geometry.capacity());
        }
    }
}
