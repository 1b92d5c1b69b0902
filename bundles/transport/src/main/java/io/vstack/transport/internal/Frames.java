package io.vstack.transport.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The transport's wire format, version {@value #VERSION} (big-endian).
 * <pre>
 * hello (12 B, once per connection, client first, then the server's answer):
 *   magic "VSTX" u32 | version u16 | reserved u16 | max payload u32
 * frame (20 B header, then the protocol name, then the payload):
 *   type u8 {REQUEST=1, REPLY=2, ERROR=3} | code u8 | name length u16 | payload length u32 |
 *   request id u64 | crc32c u32 (over the header's first 16 bytes, the name and the payload)
 * </pre>
 * A REQUEST names its protocol (1 to 255 UTF-8 bytes); a REPLY and an ERROR carry the id of the
 * request they answer and no name. An ERROR's code says why ({@link #E_CORRUPT} ...) and its
 * payload is a one-line UTF-8 message; an ERROR with id 0 concerns the connection, which the
 * sender then closes. Request ids are the client's, unique per connection; replies come in any order.
 */
final class Frames {

    static final int MAGIC = 0x56535458; // "VSTX"
    static final int VERSION = 1;
    static final int HELLO_BYTES = 12;
    static final int HEADER_BYTES = 20;
    static final int MAX_NAME = 255;

    static final int REQUEST = 1;
    static final int REPLY = 2;
    static final int ERROR = 3;

    /** The frame's CRC32C did not match. */
    static final int E_CORRUPT = 1;
    /** A length, type or name was out of bounds. */
    static final int E_MALFORMED = 2;
    /** No handler serves the named protocol. */
    static final int E_UNKNOWN_PROTOCOL = 3;
    /** The handler failed the request. */
    static final int E_FAILED = 4;
    /** Every worker was busy and the queue full. */
    static final int E_BUSY = 5;
    /** The sender closes the connection (id 0). */
    static final int E_CLOSING = 6;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private Frames() {
    }

    /** One decoded frame; {@code payload} has position 0 and limit its length. */
    record Frame(int type, int code, long id, String protocol, ByteBuffer payload) {
    }

    /** A connection's opening. */
    record Hello(int magic, int version, int maxPayload) {
    }

    static ByteBuffer hello(int version, int maxPayload) {
        return ByteBuffer.allocate(HELLO_BYTES).putInt(MAGIC).putShort((short) version).putShort((short) 0)
                .putInt(maxPayload).flip();
    }

    static Hello hello(ByteBuffer b) {
        return new Hello(b.getInt(0), Short.toUnsignedInt(b.getShort(4)), b.getInt(8));
    }

    /**
     * One frame in one buffer, ready to write; {@code payload} is read from its position to its
     * limit and not changed.
     */
    static ByteBuffer encode(int type, int code, long id, String protocol, ByteBuffer payload) {
        byte[] name = protocol == null ? new byte[0] : protocol.getBytes(StandardCharsets.UTF_8);
        ByteBuffer p = payload == null ? EMPTY : payload.duplicate();
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + name.length + p.remaining());
        b.put((byte) type).put((byte) code).putShort((short) name.length).putInt(p.remaining()).putLong(id);
        b.position(HEADER_BYTES);
        b.put(name).put(p);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 16);
        crc.update(b.array(), HEADER_BYTES, b.capacity() - HEADER_BYTES);
        b.putInt(16, (int) crc.getValue());
        return b.flip();
    }

    /** An ERROR frame answering request {@code id} (0: the connection) with a one-line message. */
    static ByteBuffer error(long id, int code, String message) {
        return encode(ERROR, code, id, null, ByteBuffer.wrap(oneLine(message).getBytes(StandardCharsets.UTF_8)));
    }

    /** The UTF-8 bytes of a protocol name, checked against the wire's bound. */
    static byte[] protocolName(String protocol) {
        byte[] name = protocol == null ? new byte[0] : protocol.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_NAME) {
            throw new IllegalArgumentException("a protocol name has 1 to " + MAX_NAME + " UTF-8 bytes, not " + name.length);
        }
        return name;
    }

    /** {@code text} on one line, at most 1,000 characters. */
    static String oneLine(String text) {
        String t = String.valueOf(text).replaceAll("[\\r\\n]+", " ");
        return t.length() > 1000 ? t.substring(0, 1000) + "..." : t;
    }

    static String codeName(int code) {
        return switch (code) {
            case E_CORRUPT -> "corrupt frame";
            case E_MALFORMED -> "malformed frame";
            case E_UNKNOWN_PROTOCOL -> "unknown protocol";
            case E_FAILED -> "failed";
            case E_BUSY -> "busy";
            case E_CLOSING -> "closing";
            default -> "error " + code;
        };
    }
}
