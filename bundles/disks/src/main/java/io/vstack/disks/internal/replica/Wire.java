package io.vstack.disks.internal.replica;

import io.vstack.api.transport.FrameException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The replication protocol {@value #PROTOCOL}: request frames from a primary to its recovery
 * site. Each starts with a type byte and the disk's id; a chunk ends with the CRC32C of all its
 * bytes before it, and a commit carries the CRC32C over the chunks' CRCs in order, so a flipped
 * bit anywhere is caught.
 * <pre>
 * HELLO  disk capacity:long blockSize:int keep:int                       → lastSequence:long
 * BEGIN  disk sequence:long sealedAtMillis:long chunks:int               → ok
 * CHUNK  disk sequence:long index:int n:int n×block:long n×data crc:int  → ok
 * COMMIT disk sequence:long chunks:int blocks:long bytes:long digest:int → ok
 * </pre>
 */
final class Wire {

    /** The transport protocol name. */
    static final String PROTOCOL = "vstack.replica";
    static final byte HELLO = 1;
    static final byte BEGIN = 2;
    static final byte CHUNK = 3;
    static final byte COMMIT = 4;
    /** The data bytes a chunk carries at most. */
    static final int CHUNK_DATA = 1 << 20;

    private Wire() {
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) bytes.length).put(bytes);
    }

    static String getString(ByteBuffer b) throws FrameException {
        int n = Short.toUnsignedInt(b.getShort());
        if (n > b.remaining()) {
            throw new FrameException("replication request cut short");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The CRC32C of {@code b}'s bytes from 0 to {@code end}. */
    static int crc(ByteBuffer b, int end) {
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate().position(0).limit(end));
        return (int) crc.getValue();
    }

    /** The digest a commit carries: the CRC32C over the chunks' CRCs in order. */
    static int digest(int[] crcs) {
        ByteBuffer all = ByteBuffer.allocate(crcs.length * 4);
        for (int c : crcs) {
            all.putInt(c);
        }
        return crc(all, all.capacity());
    }

    static ByteBuffer ok() {
        return ByteBuffer.allocate(1).put(0, (byte) 0);
    }
}
