package io.vstack.memory.internal.handle;

import io.vstack.api.memory.Grant;
import io.vstack.api.memory.HandleInfo;
import io.vstack.api.memory.HandleRevokedException;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.memory.MemoryFaultException;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.Section;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * A grant mapped in this process: its own channel on the region's file (read-only for a read-only
 * grant), the file's header mapped read-only for the revocation checks, and the grant's range
 * divided into sections, each mapped with {@link FileChannel#map} the first time it is touched
 * (only the grant's range of the file is ever mapped). Sections stay mapped while the handle is
 * open; the JVM unmaps them when they are collected after {@link #close()}.
 */
final class MappedHandle implements MemoryHandle {

    private final long id;
    private final GrantCodec.Signed signed;
    private final FileChannel channel;
    private final FileChannel.MapMode mode;
    private final MappedByteBuffer header;
    private final long dataOffset;
    private final long sectionSize;
    private final int sectionCount;
    private final AtomicReferenceArray<MappedSection> sections;
    private final AtomicInteger mapped = new AtomicInteger();
    private final Consumer<MappedHandle> onClose;
    private volatile boolean closed;

    private record MappedSection(int index, long offset, int length, MappedByteBuffer mapping) implements Section {
        @Override
        public ByteBuffer buffer() {
            return mapping.duplicate();
        }
    }

    MappedHandle(long id, GrantCodec.Signed signed, FileChannel channel, boolean readOnly, MappedByteBuffer header,
                 long dataOffset, long sectionSize, Consumer<MappedHandle> onClose) {
        this.id = id;
        this.signed = signed;
        this.channel = channel;
        this.mode = readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE;
        this.header = header;
        this.dataOffset = dataOffset;
        this.sectionSize = sectionSize;
        long size = signed.grant().length();
        this.sectionCount = (int) ((size + sectionSize - 1) / sectionSize);
        this.sections = new AtomicReferenceArray<>(sectionCount);
        this.onClose = onClose;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Grant grant() {
        return signed.grant();
    }

    @Override
    public long size() {
        return signed.grant().length();
    }

    @Override
    public long sectionSize() {
        return sectionSize;
    }

    @Override
    public int sectionCount() {
        return sectionCount;
    }

    @Override
    public int mappedSections() {
        return mapped.get();
    }

    @Override
    public boolean readOnly() {
        return mode == FileChannel.MapMode.READ_ONLY;
    }

    @Override
    public Section section(int index) throws MemoryException {
        if (index < 0 || index >= sectionCount) {
            throw new InvalidRangeException("handle " + id + " has no section " + index + " (it has " + sectionCount + ")");
        }
        ensureOpen();
        MappedSection section = sections.get(index);
        return section != null ? section : mapSection(index);
    }

    private synchronized MappedSection mapSection(int index) throws MemoryException {
        MappedSection section = sections.get(index);
        if (section != null) {
            return section;
        }
        long offset = index * sectionSize;
        int length = (int) Math.min(sectionSize, size() - offset);
        long position = dataOffset + signed.grant().offset() + offset;
        try {
            // A read-write map would extend a file that is too short: check first (never grow the owner's file).
            if (channel.size() < position + length) {
                throw new MemoryFaultException("region " + signed.grant().regionId()
                        + " is shorter than the grant: its file was truncated under handle " + id);
            }
            section = new MappedSection(index, offset, length, channel.map(mode, position, length));
        } catch (IOException e) {
            throw new MemoryFaultException("cannot map section " + index + " of handle " + id + ": " + e.getMessage(), e);
        }
        sections.set(index, section);
        mapped.incrementAndGet();
        return section;
    }

    @Override
    public ByteBuffer slice(long offset, int length) throws MemoryException {
        long size = size();
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new InvalidRangeException("range " + offset + "+" + length + " is outside handle " + id + " of "
                    + size + " bytes");
        }
        int index = (int) (offset / sectionSize);
        long within = offset - index * sectionSize;
        if (length == 0) {
            ensureOpen();
            return ByteBuffer.allocate(0);
        }
        if (within + length > sectionSize) {
            throw new InvalidRangeException("range " + offset + "+" + length + " crosses the section boundary at "
                    + (index + 1) * sectionSize + " of handle " + id);
        }
        return sectionOf(index).mapping().slice((int) within, length);
    }

    private MappedSection sectionOf(int index) throws MemoryException {
        return (MappedSection) section(index);
    }

    @Override
    public void check() throws HandleRevokedException {
        ensureOpen();
        if (RegionFile.getVolatile(header, RegionFile.GENERATION_AT) != signed.generation()) {
            throw new HandleRevokedException("region " + signed.grant().regionId()
                    + " was replaced by a hard revoke: handle " + id + " is no longer valid");
        }
        if (RegionFile.getVolatile(header, RegionFile.slotAt(signed.slot())) != signed.stamp()) {
            throw new HandleRevokedException("grant " + signed.grant().id() + " of handle " + id + " was revoked");
        }
    }

    /** Whether {@link #check()} passes now. */
    boolean valid() {
        try {
            check();
            return true;
        } catch (HandleRevokedException e) {
            return false;
        }
    }

    /** Whether the region's file is now shorter than this handle's range (its owner truncated it). */
    boolean truncated() {
        try {
            return channel.size() < dataOffset + signed.grant().offset() + size();
        } catch (IOException e) {
            return true;
        }
    }

    private void ensureOpen() throws HandleRevokedException {
        if (closed) {
            throw new HandleRevokedException("handle " + id + " is closed");
        }
    }

    HandleInfo info() {
        Grant g = signed.grant();
        return new HandleInfo(id, g.id(), g.regionId(), g.grantee(), size(), sectionSize, sectionCount, mapped.get(),
                readOnly(), valid());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // The mappings stay valid without the channel; nothing is lost by a failed close.
        }
        onClose.accept(this);
    }
}
