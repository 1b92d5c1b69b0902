package io.vstack.migration.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A PAGES frame being filled, and the decoder of received ones (wire version 2).
 * <pre>
 * payload: count u32 | gen u32 | count × entry { pfn u64 | enc u8 | crc32c u32 } | the bytes of the RAW pages, in entry order
 * </pre>
 * The frame's own CRC covers only its header and the directory (count, gen, entries); each page's
 * bytes are covered by the CRC32C in its entry. So every byte is still checked, each page's bytes
 * are checksummed once per side, and that same checksum is the page's term in the digest both
 * sides compare at the switchover. The directory and the page bytes are separate buffers, sent
 * with one gathering write. Not thread-safe.
 */
final class PagesFrame {

    /** Directory header: count u32, gen u32. */
    static final int HEAD = 8;
    /** Directory entry: pfn u64, enc u8, crc32c u32. */
    static final int ENTRY = 13;
    static final int ENC_RAW = 0;
    static final int ENC_ZERO = 1;

    /** What a decoded frame hands over, page by page (its bytes are checked against their CRC first). */
    interface Sink {
        /**
         * @param bytes the page's 4096 bytes from its position (a view reused for the frame's next page), or null for a zero page
         * @param crc   the page's CRC32C (checked)
         */
        void page(int pfn, int gen, ByteBuffer bytes, int crc) throws ProtocolException;
    }

    /** Where {@link #receive} puts pages: the memory of each page, and what is done once its bytes are checked. */
    interface Target {
        /** A writable view of page {@code pfn}: position 0, 4096 bytes. */
        ByteBuffer page(int pfn);

        /** Page {@code pfn} now holds the bytes of generation {@code gen}, whose CRC32C is {@code crc}. */
        void applied(int pfn, int gen, int crc) throws ProtocolException;
    }

    private final int capacity;
    private final ByteBuffer directory;
    private final ByteBuffer data;
    /** A second view of {@code data} through which each added page is checksummed (no buffer per page). */
    private final ByteBuffer added;
    private final CRC32C crc = new CRC32C();
    private int count;

    /** A frame of up to {@code capacity} pages. */
    PagesFrame(int capacity) {
        this.capacity = capacity;
        this.directory = ByteBuffer.allocateDirect(HEAD + capacity * ENTRY);
        this.data = ByteBuffer.allocateDirect(capacity * Pages.SIZE);
        this.added = data.duplicate();
        clear();
    }

    void clear() {
        count = 0;
        directory.clear().position(HEAD);
        data.clear();
    }

    boolean isEmpty() {
        return count == 0;
    }

    boolean isFull() {
        return count == capacity;
    }

    /** Bytes of payload so far. */
    int payloadBytes() {
        return directory.position() + data.position();
    }

    /**
     * Adds a copy of {@code page} (position 0, 4096 bytes) as it is now, or a zero record.
     *
     * @param zero whether the page is all zero ({@link Pages#isZero}, asked by the caller, who counts them)
     * @return the CRC32C of the bytes added
     */
    int add(long pfn, ByteBuffer page, boolean zero) {
        int c;
        if (zero) {
            c = Pages.ZERO_CRC;
            directory.putLong(pfn).put((byte) ENC_ZERO).putInt(c);
        } else {
            int at = data.position();
            data.put(page);
            // The checksum of the copy, not of guest memory that may change meanwhile.
            c = Pages.crc(crc, added.limit(at + Pages.SIZE).position(at));
            directory.putLong(pfn).put((byte) ENC_RAW).putInt(c);
        }
        count++;
        return c;
    }

    /** Sends the frame on {@code writer} tagged with generation {@code gen}, then clears it. */
    void send(FrameWriter writer, int gen) throws IOException {
        directory.putInt(0, count).putInt(4, gen).flip();
        data.flip();
        try {
            writer.writePages(directory, data);
        } finally {
            clear();
        }
    }

    /**
     * Checks and hands over every page of a received PAGES payload.
     *
     * @param pages the VM's page count (pfns must be below it)
     * @throws ProtocolException if the payload is malformed or a page's bytes fail their CRC
     */
    static void decode(ByteBuffer payload, int pages, CRC32C crc, Sink sink) throws ProtocolException {
        int base = payload.position();
        int size = payload.remaining();
        int count = count(payload, size);
        int gen = payload.getInt(base + 4);
        int at = base + HEAD;
        int dataAt = at + count * ENTRY;
        ByteBuffer bytes = payload.duplicate(); // moved from page to page: no buffer per page
        for (int i = 0; i < count; i++, at += ENTRY) {
            int pfn = pfn(payload, at, pages);
            int enc = payload.get(at + 8);
            int expected = payload.getInt(at + 9);
            if (enc == ENC_ZERO) {
                sink.page(pfn, gen, null, Pages.ZERO_CRC);
                continue;
            }
            if (dataAt + Pages.SIZE > base + size) {
                throw new ProtocolException("malformed PAGES frame: page " + pfn + " lies past its " + size + " bytes");
            }
            bytes.limit(dataAt + Pages.SIZE).position(dataAt);
            int actual = Pages.crc(crc, bytes);
            bytes.position(dataAt);
            dataAt += Pages.SIZE;
            if (actual != expected) {
                throw new ProtocolException("corrupt page " + pfn + ": CRC mismatch (" + Integer.toHexString(actual) + " != "
                        + Integer.toHexString(expected) + ")");
            }
            sink.page(pfn, gen, bytes, actual);
        }
        if (dataAt != base + size) {
            throw new ProtocolException("malformed PAGES frame: " + (base + size - dataAt) + " bytes after its pages");
        }
    }

    /**
     * Receives a PAGES frame whose page bytes are still on the channel ({@link FrameReader#splitPages}), its directory at position 0:
     * reads them straight into the target's pages with one scattering read, then, in entry order,
     * checks each page against its CRC and zeroes the zero pages. Saves the copy of every page
     * through a frame buffer; only for a VM that is not running and a single channel, since the
     * bytes land before they are checked and before any generation rule could refuse them.
     *
     * @param directory the frame's payload as read: its directory
     * @param views     scratch array of at least the frame's page count
     * @throws ProtocolException if the directory is malformed or a page's bytes fail their CRC
     */
    static void receive(ByteBuffer directory, int pages, FrameReader in, CRC32C crc, ByteBuffer[] views, Target target)
            throws IOException {
        int size = directory.remaining();
        int count = count(directory, size);
        if (HEAD + count * ENTRY != size || count > views.length) {
            throw new ProtocolException("malformed PAGES frame (" + count + " pages in a directory of " + size + " bytes)");
        }
        int gen = directory.getInt(4);
        int raw = 0;
        for (int i = 0, at = HEAD; i < count; i++, at += ENTRY) {
            int pfn = pfn(directory, at, pages);
            if (directory.get(at + 8) == ENC_RAW) {
                views[raw++] = target.page(pfn);
            }
        }
        in.readPageBytes(views, raw);
        raw = 0;
        for (int i = 0, at = HEAD; i < count; i++, at += ENTRY) {
            int pfn = (int) directory.getLong(at);
            int expected = directory.getInt(at + 9);
            if (directory.get(at + 8) == ENC_ZERO) {
                Pages.zero(target.page(pfn));
                target.applied(pfn, gen, Pages.ZERO_CRC);
                continue;
            }
            ByteBuffer page = views[raw];
            views[raw++] = null;
            int actual = Pages.crc(crc, page.flip());
            if (actual != expected) {
                throw new ProtocolException("corrupt page " + pfn + ": CRC mismatch (" + Integer.toHexString(actual) + " != "
                        + Integer.toHexString(expected) + ")");
            }
            target.applied(pfn, gen, actual);
        }
    }

    /** The page count of a payload or directory of {@code size} bytes, checked against its size. */
    private static int count(ByteBuffer payload, int size) throws ProtocolException {
        int count = size < HEAD ? -1 : payload.getInt(payload.position());
        if (count < 0 || HEAD + (long) count * ENTRY > size) {
            throw new ProtocolException("malformed PAGES frame (" + count + " pages in " + size + " bytes)");
        }
        return count;
    }

    /** The pfn of the entry at {@code at}, checked, with its encoding. */
    private static int pfn(ByteBuffer payload, int at, int pages) throws ProtocolException {
        long pfn = payload.getLong(at);
        int enc = payload.get(at + 8);
        if (pfn < 0 || pfn >= pages || enc != ENC_RAW && enc != ENC_ZERO) {
            throw new ProtocolException("malformed page record (pfn " + pfn + ", encoding " + enc + ")");
        }
        return (int) pfn;
    }
}
