package io.vstack.migration.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Reads and checks frames from one channel: length bound, sequence, CRC32C (of a PAGES frame:
 * over its directory; {@link PagesFrame#decode} checks each page). The returned payload is a view
 * valid until the next {@link #read}. After {@link #splitPages splitPages(true)} a PAGES frame's payload is its
 * directory only: its page bytes stay on the channel until {@link #readPageBytes} reads them
 * straight into their destination. Not thread-safe: one reader per channel.
 */
final class FrameReader {

    /** One frame: its type and payload (position 0, limit its length). */
    record Frame(int type, ByteBuffer payload) {
    }

    private final ReadableByteChannel channel;
    private final String peer;
    private final AtomicLong bytes;
    private final ByteBuffer header = ByteBuffer.allocateDirect(Wire.HEADER_BYTES);
    private final CRC32C crc = new CRC32C();
    private ByteBuffer payload = ByteBuffer.allocateDirect(64 * 1024);
    private long expectedSeq;
    private boolean splitPages;
    private long unreadPageBytes;

    FrameReader(ReadableByteChannel channel, String peer, AtomicLong bytes) {
        this.channel = channel;
        this.peer = peer;
        this.bytes = bytes;
    }

    /**
     * Reads the next frame.
     *
     * @throws ProtocolException on a bad length, sequence or CRC
     * @throws java.io.EOFException if the peer closed the connection
     */
    Frame read() throws IOException {
        if (unreadPageBytes != 0) {
            throw new IllegalStateException(unreadPageBytes + " page bytes of the last frame are still unread");
        }
        header.clear();
        Wire.readFully(channel, header);
        header.flip();
        int type = Byte.toUnsignedInt(header.get(0));
        int flags = Byte.toUnsignedInt(header.get(1));
        int covered = Short.toUnsignedInt(header.getShort(2));
        int len = header.getInt(4);
        long seq = header.getLong(8);
        int expectedCrc = header.getInt(16);
        if (len < 0 || len > Wire.MAX_PAYLOAD) {
            throw new ProtocolException("corrupt frame from " + peer + ": length " + Integer.toUnsignedString(len));
        }
        if (seq != expectedSeq) {
            throw new ProtocolException("corrupt frame from " + peer + ": sequence " + seq + ", expected " + expectedSeq);
        }
        boolean split = splitPages && type == Wire.PAGES && flags == Wire.FLAG_HEAD_CRC && covered <= len;
        int toRead = split ? covered : len;
        if (payload.capacity() < toRead) {
            payload = ByteBuffer.allocateDirect(Math.max(toRead, payload.capacity() * 2));
        }
        payload.clear().limit(toRead);
        Wire.readFully(channel, payload);
        payload.flip();
        crc.reset();
        crc.update(header.duplicate().limit(16));
        crc.update(payload.duplicate().limit(flags == 0 ? len : Math.min(covered, len)));
        if ((int) crc.getValue() != expectedCrc) {
            throw new ProtocolException("corrupt frame from " + peer + ": CRC mismatch in frame " + seq + " ("
                    + Wire.typeName(type) + ", " + len + " bytes)");
        }
        if (flags != 0 && (flags != Wire.FLAG_HEAD_CRC || type != Wire.PAGES || covered > len)) {
            throw new ProtocolException("corrupt frame from " + peer + ": flags 0x" + Integer.toHexString(flags) + " on "
                    + Wire.typeName(type) + " (" + covered + " of " + len + " bytes checksummed)");
        }
        if (flags != 0 && (covered < PagesFrame.HEAD || covered != PagesFrame.HEAD + (long) payload.getInt(0) * PagesFrame.ENTRY)) {
            throw new ProtocolException("corrupt frame from " + peer + ": frame " + seq + " checksums " + covered
                    + " bytes, not its page directory");
        }
        expectedSeq++;
        bytes.addAndGet(Wire.HEADER_BYTES + (long) toRead);
        unreadPageBytes = len - toRead;
        return new Frame(type, payload.slice());
    }

    /** Whether, from now on, the page bytes of each PAGES frame stay on the channel for {@link #readPageBytes}. */
    void splitPages(boolean split) {
        splitPages = split;
    }

    /** Bytes of pages the last PAGES frame still has on the channel. */
    long unreadPageBytes() {
        return unreadPageBytes;
    }

    /**
     * Reads the last PAGES frame's page bytes into {@code targets[0..count)}, each from its position
     * to its limit, with scattering reads.
     *
     * @throws ProtocolException if the targets do not hold exactly the frame's page bytes
     */
    void readPageBytes(ByteBuffer[] targets, int count) throws IOException {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += targets[i].remaining();
        }
        if (total != unreadPageBytes) {
            throw new ProtocolException("corrupt frame from " + peer + ": its directory lists " + total + " bytes of pages, it carries "
                    + unreadPageBytes);
        }
        int first = 0;
        while (first < count) {
            if (channel instanceof ScatteringByteChannel scattering) {
                if (scattering.read(targets, first, count - first) < 0) {
                    throw new EOFException("connection closed by the peer");
                }
            } else {
                Wire.readFully(channel, targets[first]);
            }
            while (first < count && !targets[first].hasRemaining()) {
                first++;
            }
        }
        unreadPageBytes = 0;
        bytes.addAndGet(total);
    }
}
