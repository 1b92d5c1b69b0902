package io.vstack.transport.internal;

import java.net.InetAddress;
import java.time.Duration;

/**
 * The transport's checked settings.
 *
 * @param bindAddress    where the server listens
 * @param port           its port; 0 = a free port chosen at start
 * @param connectTimeout how long a connect and its handshake may take
 * @param requestTimeout how long a request waits for its reply unless the caller says otherwise
 * @param frameTimeout   how long a peer may stall in the middle of a frame (or the hello) before its connection is closed
 * @param workers        threads that run protocol handlers
 * @param queue          requests that may wait for a worker; more are refused as busy
 * @param maxPayload     the largest payload a frame may carry
 */
record TransportSettings(InetAddress bindAddress, int port, Duration connectTimeout, Duration requestTimeout,
                         Duration frameTimeout, int workers, int queue, int maxPayload) {

    /** Loopback, a free port, 5 s connects, 10 s requests, 5 s stalls, 4 workers, 1,024 queued, 16 MiB frames. */
    static TransportSettings loopback() {
        return new TransportSettings(InetAddress.getLoopbackAddress(), 0, Duration.ofSeconds(5), Duration.ofSeconds(10),
                Duration.ofSeconds(5), 4, 1024, 16 << 20);
    }

    TransportSettings withTimeouts(Duration connect, Duration request, Duration frame) {
        return new TransportSettings(bindAddress, port, connect, request, frame, workers, queue, maxPayload);
    }

    TransportSettings withWorkers(int workers, int queue) {
        return new TransportSettings(bindAddress, port, connectTimeout, requestTimeout, frameTimeout, workers, queue, maxPayload);
    }

    TransportSettings withMaxPayload(int maxPayload) {
        return new TransportSettings(bindAddress, port, connectTimeout, requestTimeout, frameTimeout, workers, queue, maxPayload);
    }
}
