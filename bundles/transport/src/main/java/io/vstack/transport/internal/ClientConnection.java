package io.vstack.transport.internal;

import io.vstack.api.transport.ConnectionClosedException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.FrameException;
import io.vstack.api.transport.RemoteFailureException;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import io.vstack.api.transport.TransportTimeoutException;
import io.vstack.api.transport.UnknownProtocolException;
import io.vstack.transport.internal.Frames.Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The client side of a link: request ids, the requests in flight and their deadlines. Replies
 * are matched to requests by id on the I/O thread; the I/O thread's periodic scan fails requests
 * past their deadline.
 */
final class ClientConnection implements TransportConnection {

    private record Pending(CompletableFuture<ByteBuffer> future, long deadlineNanos, String protocol) {
    }

    final Link link;
    final CompletableFuture<ClientConnection> handshake = new CompletableFuture<>();
    private final Endpoint peer;
    private final Supplier<Duration> defaultTimeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private volatile int peerMaxPayload;

    ClientConnection(Endpoint peer, Link link, Supplier<Duration> defaultTimeout) {
        this.peer = peer;
        this.link = link;
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public Endpoint peer() {
        return peer;
    }

    @Override
    public CompletableFuture<ByteBuffer> request(String protocol, ByteBuffer payload) {
        return request(protocol, payload, defaultTimeout.get());
    }

    @Override
    public CompletableFuture<ByteBuffer> request(String protocol, ByteBuffer payload, Duration timeout) {
        Frames.protocolName(protocol);
        int bound = peerMaxPayload;
        if (payload.remaining() > bound) {
            throw new IllegalArgumentException("a payload of " + payload.remaining() + " bytes exceeds " + peer
                    + "'s frame bound of " + bound + " bytes");
        }
        CompletableFuture<ByteBuffer> future = new CompletableFuture<>();
        long id = ids.incrementAndGet();
        long nanos = timeout.toNanos();
        pending.put(id, new Pending(future, System.nanoTime() + nanos, protocol));
        try {
            link.send(Frames.encode(Frames.REQUEST, 0, id, protocol, payload));
        } catch (ConnectionClosedException e) {
            pending.remove(id);
            future.completeExceptionally(e);
        }
        return future;
    }

    @Override
    public boolean isOpen() {
        return !link.isClosed();
    }

    @Override
    public void close() {
        closed(new ConnectionClosedException("connection to " + peer + " was closed by this host"));
    }

    /** The server's hello came: the connection is ready. */
    void ready(int maxPayload) {
        peerMaxPayload = maxPayload;
        handshake.complete(this);
    }

    /** Closes the link and fails every request in flight (and the handshake) with {@code reason}. */
    void closed(TransportException reason) {
        link.close(reason);
        TransportException why = link.closeReason() != null ? link.closeReason() : reason;
        handshake.completeExceptionally(why);
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            it.remove();
            p.future().completeExceptionally(new ConnectionClosedException(why.getMessage(), why));
        }
    }

    /** A frame came from the server (I/O thread). */
    void received(Frame frame) {
        if (frame.type() == Frames.ERROR && frame.id() == 0) {
            closed(new ConnectionClosedException(peer + " closed the connection: " + text(frame.payload())));
            return;
        }
        Pending p = pending.remove(frame.id());
        if (p == null) {
            return; // timed out already; its reply is late
        }
        if (frame.type() == Frames.REPLY) {
            p.future().complete(frame.payload());
        } else if (frame.type() == Frames.ERROR) {
            p.future().completeExceptionally(error(frame.code(), text(frame.payload())));
        } else {
            p.future().completeExceptionally(new FrameException(peer + " sent a request frame on a client connection"));
        }
    }

    /** A frame from the server failed its checks but the stream goes on (I/O thread). */
    void corrupt(long id, String message) {
        Pending p = pending.remove(id);
        if (p != null) {
            p.future().completeExceptionally(new FrameException("reply from " + peer + ": " + message));
        }
    }

    /** Fails the requests past their deadline (I/O thread). */
    void expire(long now) {
        for (Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Pending> e = it.next();
            Pending p = e.getValue();
            if (now - p.deadlineNanos() >= 0) {
                it.remove();
                p.future().completeExceptionally(new TransportTimeoutException("no reply from " + peer + " to request "
                        + e.getKey() + " (protocol " + p.protocol() + ") in time"));
            }
        }
    }

    int inFlight() {
        return pending.size();
    }

    private TransportException error(int code, String message) {
        String text = peer + ": " + message;
        return switch (code) {
            case Frames.E_UNKNOWN_PROTOCOL -> new UnknownProtocolException(text);
            case Frames.E_CORRUPT, Frames.E_MALFORMED -> new FrameException(text);
            default -> new RemoteFailureException(text);
        };
    }

    private static String text(ByteBuffer b) {
        return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
}
