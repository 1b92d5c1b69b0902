package io.vstack.api.transport;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One open connection to a peer's endpoint. Requests are multiplexed: each gets its own request
 * id, several may be in flight, and replies complete their futures in whatever order they come.
 * <p>Thread-safe: any thread may send.
 */
@ProviderType
public interface TransportConnection extends AutoCloseable {

    /** The endpoint this connection goes to. */
    Endpoint peer();

    /**
     * Sends one request frame to protocol {@code protocol} with the configured request timeout.
     * Does not wait for the reply.
     *
     * @see #request(String, ByteBuffer, Duration)
     */
    CompletableFuture<ByteBuffer> request(String protocol, ByteBuffer payload);

    /**
     * Sends one request frame to protocol {@code protocol}; does not wait for the reply. The
     * payload is read from its position to its limit before this returns, so the caller may reuse it.
     *
     * @return the reply's payload (a buffer the caller owns), or completes exceptionally with a
     *         {@link TransportException}: {@link TransportTimeoutException} after {@code timeout},
     *         {@link UnknownProtocolException}, {@link RemoteFailureException},
     *         {@link FrameException}, or {@link ConnectionClosedException}
     * @throws IllegalArgumentException if the payload is larger than the transport's frame bound
     *                                  or the protocol name is empty or longer than 255 bytes
     */
    CompletableFuture<ByteBuffer> request(String protocol, ByteBuffer payload, Duration timeout);

    /**
     * Sends a request and waits for its reply: {@link #request(String, ByteBuffer, Duration)} made
     * blocking, the exception unwrapped.
     *
     * @throws TransportException as the future would complete with
     */
    default ByteBuffer call(String protocol, ByteBuffer payload, Duration timeout) throws TransportException {
        try {
            return request(protocol, payload, timeout).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TransportException t) {
                throw t;
            }
            throw new TransportException("request to " + peer() + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while waiting for " + peer(), e);
        } catch (CancellationException e) {
            throw new TransportException("request to " + peer() + " was cancelled", e);
        }
    }

    /** Whether the connection is still open (it closes on {@link #close}, a peer's close, or a broken frame stream). */
    boolean isOpen();

    /** Closes the connection; requests in flight fail with {@link ConnectionClosedException}. Idempotent. */
    @Override
    void close();
}
