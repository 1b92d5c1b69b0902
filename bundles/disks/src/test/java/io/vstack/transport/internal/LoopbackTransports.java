package io.vstack.transport.internal;

/** Test helper in the transport's package: a started transport on a free loopback port. */
public final class LoopbackTransports {

    private LoopbackTransports() {
    }

    /** A transport listening on 127.0.0.1, a free port, with the default timeouts; close it after. */
    public static TransportService start() {
        return new TransportService(TransportSettings.loopback()).start();
    }
}
