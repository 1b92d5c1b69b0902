package io.vstack.transport.internal;

import io.vstack.transport.internal.Frames.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Cuts a connection's byte stream into frames and checks each: the payload length against the
 * bound (a length out of bounds cannot be skipped: the stream is lost), then the CRC32C, the
 * type and the protocol name (a frame that fails these is skipped whole, and the stream goes on).
 * Bytes may arrive in any pieces. Not thread-safe: one decoder per connection, fed by its reader.
 */
final class FrameDecoder {

    /** A frame that failed a check; {@link #fatal} if the stream cannot go on past it. */
    static final class FrameError extends Exception {
        private static final long serialVersionUID = 1L;
        final long id;
        final int code;
        final boolean fatal;

        FrameError(long id, int code, boolean fatal, String message) {
            super(message, null, false, false);
            this.id = id;
            this.code = code;
            this.fatal = fatal;
        }
    }

    private final int maxPayload;
    private final ByteBuffer header = ByteBuffer.allocate(Frames.HEADER_BYTES);
    private final CRC32C crc = new CRC32C();
    private ByteBuffer body;

    /** Accepts payloads up to {@code maxPayload} bytes. */
    FrameDecoder(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** Whether part of a frame has come and the rest has not. */
    boolean midFrame() {
        return header.position() > 0;
    }

    /**
     * Takes bytes from {@code src} until a frame is whole or {@code src} is empty.
     *
     * @return the frame, or null if {@code src} ran out first (all of it consumed)
     * @throws FrameError for a frame that fails a check; unless fatal, its bytes are consumed and
     *                    the next call goes on with the next frame
     */
    Frame next(ByteBuffer src) throws FrameError {
        if (header.hasRemaining()) {
            copy(src, header);
            if (header.hasRemaining()) {
                return null;
            }
            int nameLen = Short.toUnsignedInt(header.getShort(2));
            int len = header.getInt(4);
            if (len < 0 || len > maxPayload) {
                throw new FrameError(header.getLong(8), Frames.E_MALFORMED, true, "frame of " + Integer.toUnsignedString(len)
                        + " payload bytes exceeds the bound of " + maxPayload);
            }
            body = ByteBuffer.allocate(nameLen + len);
        }
        copy(src, body);
        if (body.hasRemaining()) {
            return null;
        }
        return finish();
    }

    private Frame finish() throws FrameError {
        int type = Byte.toUnsignedInt(header.get(0));
        int code = Byte.toUnsignedInt(header.get(1));
        int nameLen = Short.toUnsignedInt(header.getShort(2));
        long id = header.getLong(8);
        int expected = header.getInt(16);
        ByteBuffer b = body;
        header.clear();
        body = null;
        crc.reset();
        crc.update(header.array(), 0, 16);
        crc.update(b.array(), 0, b.capacity());
        if ((int) crc.getValue() != expected) {
            throw new FrameError(id, Frames.E_CORRUPT, false, "frame of request " + id + " failed its CRC32C check");
        }
        if (type != Frames.REQUEST && type != Frames.REPLY && type != Frames.ERROR) {
            throw new FrameError(id, Frames.E_MALFORMED, false, "unknown frame type " + type);
        }
        if (type == Frames.REQUEST ? nameLen == 0 || nameLen > Frames.MAX_NAME : nameLen != 0) {
            throw new FrameError(id, Frames.E_MALFORMED, false, "protocol name of " + nameLen + " bytes in a frame of type " + type);
        }
        if (id == 0 && type != Frames.ERROR) {
            throw new FrameError(id, Frames.E_MALFORMED, false, "request id 0 is reserved for the connection");
        }
        String protocol = nameLen == 0 ? null : new String(b.array(), 0, nameLen, StandardCharsets.UTF_8);
        ByteBuffer payload = b.position(nameLen).slice();
        return new Frame(type, code, id, protocol, payload);
    }

    private static void copy(ByteBuffer src, ByteBuffer dst) {
        int n = Math.min(src.remaining(), dst.remaining());
        if (n > 0) {
            int limit = src.limit();
            src.limit(src.position() + n);
            dst.put(src);
            src.limit(limit);
        }
    }
}
