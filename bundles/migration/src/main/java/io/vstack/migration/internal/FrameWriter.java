package io.vstack.migration.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Writes frames on one channel: header and payload in one gathering write, CRC32C over the
 * header's first 16 bytes and the payload. Thread-safe (writes are serialized).
 */
final class FrameWriter {

    private final GatheringByteChannel channel;
    private final AtomicLong bytes;
    private final ByteBuffer header = ByteBuffer.allocateDirect(Wire.HEADER_BYTES);
    private final ByteBuffer[] gather = new ByteBuffer[2];
    private final CRC32C crc = new CRC32C();
    private long seq;
    private volatile boolean corruptNext;

    /** Writes on {@code channel}, adding every byte written to {@code bytes}. */
    FrameWriter(GatheringByteChannel channel, AtomicLong bytes) {
        this.channel = channel;
        this.bytes = bytes;
    }

    /** Writes one frame; {@code payload} from its position to its limit (consumed). */
    synchronized void write(int type, ByteBuffer payload) throws IOException {
        int len = payload.remaining();
        if (len > Wire.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + len + " bytes exceeds " + Wire.MAX_PAYLOAD);
        }
        header.clear();
        header.put((byte) type).put((byte) 0).putShort((short) 0).putInt(len).putLong(seq++);
        crc.reset();
        header.flip();
        crc.update(header.duplicate());
        crc.update(payload.duplicate());
        header.limit(Wire.HEADER_BYTES).position(16);
        int sum = (int) crc.getValue();
        if (corruptNext) {
            corruptNext = false;
            sum ^= 1; // test hook: a bit flipped on the wire
        }
        header.putInt(sum);
        header.flip();
        gather[0] = header;
        gather[1] = payload;
        long total = Wire.HEADER_BYTES + (long) len;
        long written = 0;
        while (written < total) {
            written += channel.write(gather);
        }
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
