package io.vstack.memory.internal.handle;

import io.vstack.memory.internal.handle.Wire.Status;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The client side, for a process other than vstack's: connects to the {@link RingServer}'s socket,
 * creates a region and maps it (read-write, in windows of at most 1 GiB), grants the server parts
 * of it, and sends requests on the shared ring (or, as the comparison peer, on the socket).
 * Uses nothing but the JDK, so that a plain {@code java -cp} process can run it.
 * <p>Not thread-safe: one thread per client.
 */
public final class MemoryClient implements AutoCloseable {

    /** Bytes per window of the client's own mapping of its region. */
    public static final long WINDOW = 1L << 30;

    private final SocketChannel channel;
    private String regionId;
    private Path regionFile;
    private long regionSize;
    private MappedByteBuffer[] windows;
    private Ring requests;
    private Ring responses;
    private Doorbell bell;
    private ByteBuffer ring;
    private long nextSeq = 1;
    private int inFlight;
    private ByteBuffer streamDescriptor;
    private long lastResult;

    /** A response: the request's sequence number, its status and its result (a {@link WordSum} for a sum). */
    public record Completion(long seq, Status status, long result) {
    }

    /** Connects to the server at {@code socket} as {@code name}. */
    public MemoryClient(Path socket, String name) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        call("HELLO " + name);
    }

    /** Sends a control request and returns the words after {@code OK}. */
    public String[] call(String request) throws IOException {
        Control.send(channel, request);
        String answer = Control.receive(channel);
        if (!answer.startsWith("OK")) {
            throw new IOException(answer.startsWith("ERR ") ? answer.substring(4) : answer);
        }
        return answer.length() > 3 ? answer.substring(3).split(" ") : new String[0];
    }

    /** Creates a region of {@code size} bytes owned by this client and maps it read-write. */
    public String createRegion(long size) throws IOException {
        String[] r = call("REGION " + size);
        regionId = r[0];
        regionFile = Path.of(r[1]);
        long dataOffset = Long.parseLong(r[2]);
        regionSize = size;
        windows = new MappedByteBuffer[(int) ((size + WINDOW - 1) / WINDOW)];
        try (FileChannel ch = FileChannel.open(regionFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (int i = 0; i < windows.length; i++) {
                long at = i * WINDOW;
                windows[i] = ch.map(FileChannel.MapMode.READ_WRITE, dataOffset + at, Math.min(WINDOW, size - at));
            }
        }
        return regionId;
    }

    /** The region's file. */
    public Path regionFile() {
        return regionFile;
    }

    /** The region's id. */
    public String regionId() {
        return regionId;
    }

    /** Window {@code i} of the client's own mapping of its region (bytes {@code i * WINDOW} on). */
    public ByteBuffer window(int i) {
        return windows[i].duplicate();
    }

    /** Windows of the mapping. */
    public int windows() {
        return windows.length;
    }

    /** Bytes in the region. */
    public long regionSize() {
        return regionSize;
    }

    /** Grants the server {@code length} bytes at {@code offset} with the given restriction words; returns the token. */
    public String grant(long offset, long length, String... restrictions) throws IOException {
        return call("GRANT " + regionId + " " + offset + " " + length
                + (restrictions.length == 0 ? "" : " " + String.join(" ", restrictions)))[0];
    }

    /** Passes a grant token to the server, which maps it; returns the handle id. */
    public long handle(String token) throws IOException {
        return Long.parseLong(call("HANDLE " + token)[0]);
    }

    /** Sections of handle {@code id} mapped by the server so far. */
    public int mappedSections(long id) throws IOException {
        return Integer.parseInt(call("MAPPED " + id)[0]);
    }

    /** Opens disk {@code name} on the server; returns its index for requests. */
    public int disk(String name) throws IOException {
        return Integer.parseInt(call("DISK " + name)[0]);
    }

    /** Turns the connection to a ring of {@code slots} slots per direction; control requests end. */
    public void openRing(int slots) throws IOException {
        Path file = Path.of(call("RING " + slots)[0]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ring = ch.map(FileChannel.MapMode.READ_WRITE, 0, Ring.fileSize(slots));
        }
        requests = Ring.requests(ring, Ring.slots(ring));
        responses = Ring.responses(ring, slots);
        bell = new Doorbell(channel);
    }

    /** Requests in flight on the ring. */
    public int inFlight() {
        return inFlight;
    }

    /** Slots per direction of the ring. */
    public int ringSlots() {
        return requests.capacity();
    }

    /**
     * Puts a request on the ring; returns its sequence number, or -1 if the ring holds as many
     * requests as it can (take a completion first).
     */
    public long submit(int op, long handle, int disk, long offset, long length, long diskOffset) throws IOException {
        if (inFlight == requests.capacity()) {
            return -1;
        }
        int at = requests.claim();
        if (at < 0) {
            return -1;
        }
        long seq = nextSeq++;
        Wire.put(ring, at, seq, op, handle, disk, offset, length, diskOffset);
        requests.publish(bell);
        inFlight++;
        return seq;
    }

    /** Waits for the next completion on the ring. */
    public Completion take() throws IOException {
        int at = responses.await(bell);
        Completion c = new Completion(ring.getLong(at + Wire.SEQ), Status.of(ring.getInt(at + Wire.STATUS)),
                ring.getLong(at + Wire.RESULT));
        responses.release();
        inFlight--;
        return c;
    }

    /** Submits one request and waits for it (nothing else in flight). */
    public Completion call(int op, long handle, int disk, long offset, long length, long diskOffset) throws IOException {
        if (submit(op, handle, disk, offset, length, diskOffset) < 0) {
            throw new IOException("the ring is full");
        }
        return take();
    }

    /** The result of the last {@link #callRaw} or {@link #stream} request. */
    public long lastResult() {
        return lastResult;
    }

    /**
     * Same as {@link #call(int, long, int, long, long, long)} without building a completion:
     * returns the status code (0: OK); the result is {@link #lastResult()}.
     */
    public int callRaw(int op, long handle, int disk, long offset, long length, long diskOffset) throws IOException {
        int at = requests.claim();
        Wire.put(ring, at, nextSeq++, op, handle, disk, offset, length, diskOffset);
        requests.publish(bell);
        int r = responses.await(bell);
        int status = ring.getInt(r + Wire.STATUS);
        lastResult = ring.getLong(r + Wire.RESULT);
        responses.release();
        return status;
    }

    /** Turns the connection to the stream protocol (the comparison peer); control requests end. */
    public void openStream() throws IOException {
        call("STREAM");
        streamDescriptor = ByteBuffer.allocateDirect(Wire.SIZE);
    }

    /**
     * A request on the stream: the descriptor, then {@code data}'s remaining bytes (for a sum or a
     * write); returns the status code (0: OK); the result is {@link #lastResult()}.
     */
    public int stream(int op, int disk, ByteBuffer data, long diskOffset) throws IOException {
        int length = data == null ? 0 : data.remaining();
        Wire.put(streamDescriptor, 0, nextSeq++, op, 0, disk, 0, length, diskOffset);
        streamDescriptor.clear();
        if (data == null) {
            while (streamDescriptor.hasRemaining()) {
                channel.write(streamDescriptor);
            }
        } else {
            ByteBuffer[] both = {streamDescriptor, data};
            while (streamDescriptor.hasRemaining() || data.hasRemaining()) {
                channel.write(both);
            }
        }
        Control.readFully(channel, streamDescriptor.clear());
        lastResult = streamDescriptor.getLong(Wire.RESULT);
        return streamDescriptor.getInt(Wire.STATUS);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
