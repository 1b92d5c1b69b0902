/**
 * The framed TCP transport that block protocols use between hosts and between distribution
 * processes (linked storage, disk ownership, replication, checkpointing).
 * <p>A process serves one endpoint ({@link io.vstack.api.transport.Transport#localEndpoint()});
 * the protocols it answers are {@link io.vstack.api.transport.ProtocolHandler} services, found
 * by whiteboard under their {@link io.vstack.api.transport.ProtocolHandler#PROTOCOL_PROPERTY name}.
 * A client {@link io.vstack.api.transport.Transport#connect connects} to an endpoint and sends
 * request frames on the {@link io.vstack.api.transport.TransportConnection}; each gets a
 * {@link java.util.concurrent.CompletableFuture} of its reply, and several requests may be in
 * flight on one connection. Every frame carries a request id and a CRC32C; a connection opens
 * with a versioned handshake. Failures are {@link io.vstack.api.transport.TransportException}
 * subtypes whose one-line message names the peer and the reason.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.vstack.api.transport;
