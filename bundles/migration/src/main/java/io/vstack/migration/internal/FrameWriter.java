package io.vstack.migration.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Writes frames on one channel: header and payload in one gathering write, CRC32C over the
 * header's first 16 bytes and the payload (for PAGES frames: the payload's directory, see
 * {@link PagesFrame}). Thread-safe (writes are serialized).
 */
final class FrameWriter {

    private final GatheringByteChannel channel;
    private final AtomicLong bytes;
    private final ByteBuffer header = ByteBuffer.allocateDirect(Wire.HEADER_BYTES);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private final ByteBuffer[] gather = new ByteBuffer[3];
    private final CRC32C crc = new CRC32C();
    private long seq;
    private volatile boolean corruptNext;

    /** Writes on {@code channel}, adding every byte written to {@code bytes}. */
    FrameWriter(GatheringByteChannel channel, AtomicLong bytes) {
        this.channel = channel;
        this.bytes = bytes;
    }

    /** Writes one frame; {@code payload} from its position to its limit (consumed); the CRC covers all of it. */
    synchronized void write(int type, ByteBuffer payload) throws IOException {
        gather[1] = payload;
        gather[2] = EMPTY;
        writeFrame(type, 0, payload.remaining(), payload.remaining());
    }

    /**
     * Writes a PAGES frame: {@code directory} then {@code data} (both consumed); the frame's CRC
     * covers the header and the directory only, the pages carry their own ({@link PagesFrame}).
     */
    synchronized void writePages(ByteBuffer directory, ByteBuffer data) throws IOException {
        gather[1] = directory;
        gather[2] = data;
        writeFrame(Wire.PAGES, Wire.FLAG_HEAD_CRC, directory.remaining(), directory.remaining() + data.remaining());
    }

    private void writeFrame(int type, int flags, int covered, int len) throws IOException {
        if (len > Wire.MAX_PAYLOAD || covered > 0xFFFF && flags != 0) {
            throw new IllegalArgumentException("payload of " + len + " bytes (" + covered + " checksummed) exceeds the frame's bounds");
        }
        header.clear();
        header.put((byte) type).put((byte) flags).putShort((short) (flags == 0 ? 0 : covered)).putInt(len).putLong(seq++);
        crc.reset();
        header.flip();
        crc.update(header.duplicate());
        crc.update(gather[1].duplicate());
        header.limit(Wire.HEADER_BYTES).position(16);
        int sum = (int) crc.getValue();
        if (corruptNext) {
            corruptNext = false;
            sum ^= 1; // test hook: a bit flipped on the wire
        }
        header.putInt(sum);
        header.flip();
        gather[0] = header;
        long total = Wire.HEADER_BYTES + (long) len;
        long written = 0;
        while (written < total) {
            written += channel.write(gather);
        }
        gather[1] = null;
        gather[2] = null;
        bytes.addAndGet(total);
    }

    /** Test hook: the next frame goes out with a wrong CRC, as if a bit flipped on the wire. */
    void corruptNextFrame() {
        corruptNext = true;
    }

    /** Writes a frame whose payload is {@code payload}'s bytes. */
    void write(int type, byte[] payload) throws IOException {
        write(type, ByteBuffer.wrap(payload));
    }
}
