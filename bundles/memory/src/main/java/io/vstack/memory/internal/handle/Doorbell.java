package io.vstack.memory.internal.handle;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The wake-up between the two processes of a ring: one byte on their Unix domain socket. Each
 * side rings the other by writing a byte and waits by reading; the socket is full duplex, so the
 * two directions do not meet. A closed socket ends the wait with an {@link EOFException}.
 * <p>Not thread-safe: one thread rings and waits per side.
 */
final class Doorbell {

    private final SocketChannel channel;
    private final ByteBuffer out = ByteBuffer.allocateDirect(1);
    private final ByteBuffer in = ByteBuffer.allocateDirect(64);

    Doorbell(SocketChannel channel) {
        this.channel = channel;
    }

    void ring() throws IOException {
        out.clear();
        out.put(0, (byte) 1);
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    /** Blocks until the other side rang (or rang several times: all are taken). */
    void await() throws IOException {
        in.clear();
        if (channel.read(in) < 0) {
            throw new EOFException("the other side closed the connection");
        }
    }
}
