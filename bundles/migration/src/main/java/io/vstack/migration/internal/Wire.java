package io.vstack.migration.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The migration stream's wire format, version {@value #VERSION} (big-endian, every channel).
 * <pre>
 * preamble (36 B, once per connection, each direction):
 *   magic "VSTM" u32 | version u16 | role u16 {MAIN=0, MULTIFD=1} | channel u16 | rsvd u16 | caps u64 | migration id 16 B
 * frame (20 B header + payload):
 *   type u8 | flags u8 | covered u16 | len u32 | seq u64 | crc32c u32 (over the first 16 header bytes and the payload)
 * </pre>
 * With flag {@link #FLAG_HEAD_CRC} (PAGES frames only) the CRC covers the first {@code covered}
 * bytes of the payload, the page directory, and each page carries its own CRC32C ({@link PagesFrame}).
 * Version 1 had no flags and page records {@code pfn u64 | enc u8 | len u32 | bytes} under the frame's CRC.
 * {@code seq} counts the frames of one channel in one direction from 0, strictly by one.
 * <p>Post-copy (capability {@link #CAP_POSTCOPY} in the preamble, QEMU's POSTCOPY_ADVISE): at the
 * switch the source sends SWITCHOVER, CPU_STATE, DEVICE_STATE, PC_DISCARD (the bitmap of pages the
 * destination must treat as missing), PC_RUN; the destination starts the VM and answers RESUMED.
 * Then the main channel carries the background push (PAGES) and, the other way (the return path),
 * PAGE_REQ; a PREEMPT connection carries the requested pages, each in a frame of its own. PC_END carries the digest of all
 * pages at the stun; the destination answers PC_VERIFIED with its fault figures. After a broken
 * connection the source opens a RECOVER connection; the destination sends RECV_BITMAP (the pages it
 * holds) and PAGE_REQ for the pages its vCPUs wait for; the source answers RESUME_ACK and resends
 * every page the destination lacks.
 */
final class Wire {

    static final int MAGIC = 0x5653544D; // "VSTM"
    static final int VERSION = 2;
    static final int PREAMBLE_BYTES = 36;
    static final int HEADER_BYTES = 20;
    static final int MAX_PAYLOAD = 1 << 20;

    static final int ROLE_MAIN = 0;
    static final int ROLE_MULTIFD = 1;
    /** Post-copy: the connection that carries requested pages only (QEMU's postcopy-preempt channel). */
    static final int ROLE_PREEMPT = 2;
    /** A post-copy connection re-opened after the previous one broke. */
    static final int ROLE_RECOVER = 3;

    /** Capability bit: the sender verifies a digest of every page read from memory. */
    static final long CAP_FULL_DIGEST = 1;
    /** Capability bit: the migration may switch to post-copy (QEMU's POSTCOPY_ADVISE). */
    static final long CAP_POSTCOPY = 2;

    static final int HELLO = 0x01;
    static final int HELLO_ACK = 0x02;
    static final int PAGES = 0x11;
    static final int ITER_END = 0x12;
    static final int SWITCHOVER = 0x20;
    static final int CPU_STATE = 0x21;
    static final int DEVICE_STATE = 0x22;
    static final int COMPLETE = 0x24;
    static final int PC_DISCARD = 0x41;
    static final int PC_RUN = 0x42;
    static final int PAGE_REQ = 0x43;
    static final int RECV_BITMAP = 0x44;
    static final int RESUME_ACK = 0x45;
    static final int PC_END = 0x46;
    static final int PC_VERIFIED = 0x47;
    static final int RESUMED = 0x30;
    static final int GUEST_TICK = 0x31;
    static final int CANCEL = 0x7E;
    static final int ERROR = 0x7F;

    /** Frame flag: the CRC covers the header and the first {@code covered} payload bytes (the PAGES directory). */
    static final int FLAG_HEAD_CRC = 1;
    /** Pages per PAGES frame (512 KiB of page bytes, QEMU's multifd packet size). */
    static final int PAGES_PER_FRAME = 128;

    private Wire() {
    }

    /** A connection's opening. */
    record Preamble(int version, int role, int channel, long caps, UUID migrationId) {
    }

    static void writePreamble(WritableByteChannel ch, int version, int role, int channel, long caps, UUID id) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PREAMBLE_BYTES);
        b.putInt(MAGIC).putShort((short) version).putShort((short) role).putShort((short) channel).putShort((short) 0)
                .putLong(caps).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).flip();
        writeFully(ch, b);
    }

    /**
     * Reads a preamble and checks its magic and version.
     *
     * @throws ProtocolException naming the peer's version if it is not ours, or if the magic is wrong
     */
    static Preamble readPreamble(ReadableByteChannel ch, String peer) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PREAMBLE_BYTES);
        readFully(ch, b);
        b.flip();
        int magic = b.getInt();
        if (magic != MAGIC) {
            throw new ProtocolException(peer + " does not speak the vstack migration protocol (magic 0x"
                    + Integer.toHexString(magic) + ")");
        }
        int version = Short.toUnsignedInt(b.getShort());
        int role = Short.toUnsignedInt(b.getShort());
        int channel = Short.toUnsignedInt(b.getShort());
        b.getShort();
        long caps = b.getLong();
        UUID id = new UUID(b.getLong(), b.getLong());
        if (version != VERSION) {
            throw new ProtocolException(peer + " speaks migration protocol version " + version + ", this host speaks " + VERSION);
        }
        return new Preamble(version, role, channel, caps, id);
    }

    static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static void readFully(ReadableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new EOFException("connection closed by the peer");
            }
        }
    }

    static void putString(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putInt(bytes.length).put(bytes);
    }

    static String getString(ByteBuffer b) throws ProtocolException {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new ProtocolException("malformed string of " + n + " bytes");
        }
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static String typeName(int type) {
        return switch (type) {
            case HELLO -> "HELLO";
            case HELLO_ACK -> "HELLO_ACK";
            case PAGES -> "PAGES";
            case ITER_END -> "ITER_END";
            case SWITCHOVER -> "SWITCHOVER";
            case CPU_STATE -> "CPU_STATE";
            case DEVICE_STATE -> "DEVICE_STATE";
            case COMPLETE -> "COMPLETE";
            case PC_DISCARD -> "PC_DISCARD";
            case PC_RUN -> "PC_RUN";
            case PAGE_REQ -> "PAGE_REQ";
            case RECV_BITMAP -> "RECV_BITMAP";
            case RESUME_ACK -> "RESUME_ACK";
            case PC_END -> "PC_END";
            case PC_VERIFIED -> "PC_VERIFIED";
            case RESUMED -> "RESUMED";
            case GUEST_TICK -> "GUEST_TICK";
            case CANCEL -> "CANCEL";
            case ERROR -> "ERROR";
            default -> "0x" + Integer.toHexString(type);
        };
    }

    /** A page bitmap (PC_DISCARD, RECV_BITMAP): pages u32, then ceil(pages / 64) words. */
    static ByteBuffer encodeBitmap(long[] bits, int pages) {
        int words = (pages + 63) / 64;
        ByteBuffer b = ByteBuffer.allocate(4 + words * 8);
        b.putInt(pages);
        for (int w = 0; w < words; w++) {
            b.putLong(w < bits.length ? bits[w] : 0);
        }
        return b.flip();
    }

    /**
     * Decodes a page bitmap of exactly {@code pages} pages; bits past the last page are cleared.
     *
     * @throws ProtocolException if the page count or length is not that of this VM
     */
    static long[] decodeBitmap(ByteBuffer b, int pages) throws ProtocolException {
        int words = (pages + 63) / 64;
        if (b.remaining() != 4 + words * 8L || b.getInt(b.position()) != pages) {
            throw new ProtocolException("malformed page bitmap (" + b.remaining() + " bytes, expected " + pages + " pages)");
        }
        b.getInt();
        long[] bits = new long[words];
        for (int w = 0; w < words; w++) {
            bits[w] = b.getLong();
        }
        if (pages % 64 != 0) {
            bits[words - 1] &= (1L << (pages % 64)) - 1;
        }
        return bits;
    }

    /** PAGE_REQ: count u32, then that many pfn u64. */
    static ByteBuffer encodePageRequest(long[] pfns, int from, int count) {
        ByteBuffer b = ByteBuffer.allocate(4 + count * 8);
        b.putInt(count);
        for (int i = 0; i < count; i++) {
            b.putLong(pfns[from + i]);
        }
        return b.flip();
    }

    /**
     * Decodes a PAGE_REQ.
     *
     * @throws ProtocolException if it is malformed or names a page outside the VM
     */
    static long[] decodePageRequest(ByteBuffer b, long pages) throws ProtocolException {
        int n = b.remaining() < 4 ? -1 : b.getInt();
        if (n < 0 || b.remaining() != n * 8L) {
            throw new ProtocolException("malformed page request (" + n + " pages in " + b.remaining() + " bytes)");
        }
        long[] pfns = new long[n];
        for (int i = 0; i < n; i++) {
            pfns[i] = b.getLong();
            if (pfns[i] < 0 || pfns[i] >= pages) {
                throw new ProtocolException("page request for page " + pfns[i] + " outside the VM's " + pages + " pages");
            }
        }
        return pfns;
    }

    /** What the destination reports at the end of post-copy (PC_VERIFIED). */
    record Verified(boolean digestMatches, long faults, long p50Nanos, long p99Nanos, long maxNanos, String message) {
    }

    static ByteBuffer encodeVerified(Verified v) {
        ByteBuffer b = ByteBuffer.allocate(1 + 4 * 8 + 8 + v.message().length() * 3);
        b.put((byte) (v.digestMatches() ? 1 : 0)).putLong(v.faults()).putLong(v.p50Nanos()).putLong(v.p99Nanos())
                .putLong(v.maxNanos());
        putString(b, v.message());
        return b.flip();
    }

    static Verified decodeVerified(ByteBuffer b) throws ProtocolException {
        if (b.remaining() < 1 + 4 * 8 + 4) {
            throw new ProtocolException("malformed PC_VERIFIED of " + b.remaining() + " bytes");
        }
        return new Verified(b.get() != 0, b.getLong(), b.getLong(), b.getLong(), b.getLong(), getString(b));
    }
}
