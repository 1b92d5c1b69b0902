package io.vstack.api.transport;

import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * This process's transport: the endpoint it serves its {@link ProtocolHandler}s on, and
 * connections to other endpoints. Registered as a service by the transport bundle.
 * <p>Thread-safe.
 */
@ProviderType
public interface Transport {

    /** The endpoint this process serves on, or empty while it is not listening (its port was taken, say). */
    Optional<Endpoint> localEndpoint();

    /** The names of the protocols served here now, sorted. */
    List<String> protocols();

    /**
     * Opens a connection to {@code endpoint} and completes the handshake. Blocks up to the
     * configured connect timeout.
     *
     * @throws ConnectionClosedException if the peer cannot be reached or closes the connection
     * @throws ProtocolMismatchException if the peer does not speak this transport, or another version of it
     * @throws TransportTimeoutException if the handshake does not complete in time
     */
    TransportConnection connect(Endpoint endpoint) throws TransportException;
}
