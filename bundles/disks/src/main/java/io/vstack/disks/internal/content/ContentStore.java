package io.vstack.disks.internal.content;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.io.IoException;
import io.vstack.api.storage.BlockStore;
import io.vstack.api.storage.StorageException;
import java.nio.ByteBuffer;

/**
 * The store of a content disk's read-only base: its bytes are a {@link FatVolume}'s, whose file
 * clusters are read from the app disk through an open handle (so through the app disk's filters
 * and on whatever backend it lives). Writes and trims are refused: a content disk's writes go to
 * its differencing child. Thread-safe.
 */
final class ContentStore implements BlockStore {

    private final String id;
    private final String appDisk;
    private final FatVolume volume;
    private final DiskHandle app;
    private final FatVolume.AppReader reader;

    ContentStore(String id, String appDisk, FatVolume volume, DiskHandle app) {
        this.id = id;
        this.appDisk = appDisk;
        this.volume = volume;
        this.app = app;
        this.reader = app::read;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public long capacity() {
        return volume.size();
    }

    /** Whole clusters: a file cluster is one read of the app disk. */
    @Override
    public int alignment() {
        return FatVolume.CLUSTER;
    }

    FatVolume volume() {
        return volume;
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws StorageException {
        try {
            volume.read(offset, dst, reader);
        } catch (StorageException e) {
            throw e;
        } catch (IoException e) {
            throw new StorageException("content backend: store " + id + ": reading app disk " + appDisk + " failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void write(long offset, ByteBuffer src) throws StorageException {
        throw readOnly("write");
    }

    @Override
    public void trim(long offset, long length) throws StorageException {
        throw readOnly("trim");
    }

    private StorageException readOnly(String what) {
        return new StorageException("content backend: store " + id + " is synthesized from app disk " + appDisk
                + " and cannot " + what + "; a content disk writes to its differencing child");
    }

    @Override
    public void flush() {
        // Nothing is ever written here.
    }

    @Override
    public void close() {
        app.close();
    }
}
