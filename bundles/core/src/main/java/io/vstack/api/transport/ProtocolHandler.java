package io.vstack.api.transport;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One named protocol served on this process's transport endpoint. Registered as a service with
 * the property {@value #PROTOCOL_PROPERTY} (its name, at most 255 UTF-8 bytes); the transport
 * finds it by whiteboard and routes every request frame that names it here. A request naming no
 * registered protocol gets an {@link UnknownProtocolException} at the client.
 */
@ConsumerType
public interface ProtocolHandler {

    /** The service property that names the protocol a handler serves. */
    String PROTOCOL_PROPERTY = "vstack.transport.protocol";

    /**
     * Answers one request. Called on one of the transport's bounded worker threads, concurrently
     * for requests in flight; may block (on storage, say), but a client waits only its request
     * timeout, and while every worker is busy further requests are refused as busy.
     *
     * @param request the request's payload (position 0, limit its length), owned by the handler
     * @param peer    the client's address, for messages and logs
     * @return the reply's payload, from its position to its limit; the transport reads it after
     *         this returns and then no longer holds it
     * @throws TransportException (or any runtime exception) to fail the request: its message, one
     *                            line, reaches the client as a {@link RemoteFailureException}
     */
    ByteBuffer handle(ByteBuffer request, String peer) throws TransportException;
}
