package io.vstack.transport.internal;

import io.vstack.api.transport.ConnectionClosedException;
import io.vstack.api.transport.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One TCP connection of the transport, on either side: its socket, the hello it waits for, its
 * frame decoder, and its queue of frames to write. Any thread may {@link #send}: a frame is
 * written at once if nothing is queued (and the socket takes it), else queued for the I/O thread.
 * Reading is the I/O thread's alone.
 */
final class Link {

    final SocketChannel channel;
    final String peer;
    final FrameDecoder decoder;
    final ByteBuffer helloIn = ByteBuffer.allocate(Frames.HELLO_BYTES);
    /** When the last bytes came, or the link opened ({@link System#nanoTime()}); I/O thread only. */
    long progressNanos;
    volatile SelectionKey key;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private final Consumer<Link> wantsWrite;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean closeWhenFlushed;
    private volatile TransportException closeReason;

    /** {@code wantsWrite} asks the I/O thread to finish writing the queue. */
    Link(SocketChannel channel, String peer, int maxPayload, Consumer<Link> wantsWrite) {
        this.channel = channel;
        this.peer = peer;
        this.decoder = new FrameDecoder(maxPayload);
        this.wantsWrite = wantsWrite;
        this.progressNanos = System.nanoTime();
    }

    /**
     * Writes (or queues) one encoded frame.
     *
     * @throws ConnectionClosedException if the link is closed, or closes on the write
     */
    void send(ByteBuffer frame) throws ConnectionClosedException {
        boolean queued;
        synchronized (out) {
            if (closed.get() || closeWhenFlushed) {
                throw closedException();
            }
            if (out.isEmpty()) {
                try {
                    channel.write(frame);
                } catch (IOException e) {
                    close(new ConnectionClosedException("connection to " + peer + " broke: " + e.getMessage(), e));
                    throw closedException();
                }
                if (!frame.hasRemaining()) {
                    return;
                }
            }
            queued = out.isEmpty();
            out.add(frame);
        }
        if (queued) {
            wantsWrite.accept(this);
        }
    }

    /** Sends {@code frame} (if it can) and closes the link once it is written. */
    void sendAndClose(ByteBuffer frame, TransportException reason) {
        try {
            send(frame);
        } catch (ConnectionClosedException alreadyClosed) {
            return;
        }
        boolean now;
        synchronized (out) {
            closeReason = reason;
            closeWhenFlushed = true;
            now = out.isEmpty();
        }
        if (now) {
            close(reason);
        }
    }

    /**
     * Writes what is queued, on the I/O thread.
     *
     * @return whether the queue is empty now
     */
    boolean flush() {
        boolean closeNow = false;
        synchronized (out) {
            try {
                while (!out.isEmpty()) {
                    ByteBuffer head = out.peek();
                    channel.write(head);
                    if (head.hasRemaining()) {
                        return false;
                    }
                    out.poll();
                }
            } catch (IOException e) {
                out.clear();
                closeReason = new ConnectionClosedException("connection to " + peer + " broke: " + e.getMessage(), e);
                closeNow = true;
            }
            closeNow |= closeWhenFlushed;
        }
        if (closeNow) {
            close(closeReason);
        }
        return true;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Why the link closed (null while open). */
    TransportException closeReason() {
        return closeReason;
    }

    /**
     * Closes the socket (idempotent).
     *
     * @return whether this call closed it
     */
    boolean close(TransportException reason) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        synchronized (out) {
            if (closeReason == null) {
                closeReason = reason;
            }
            out.clear();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // the socket is gone either way; the reason above is what callers see
        }
        return true;
    }

    private ConnectionClosedException closedException() {
        TransportException reason = closeReason;
        return new ConnectionClosedException(reason != null ? reason.getMessage() : "connection to " + peer + " is closed");
    }
}
