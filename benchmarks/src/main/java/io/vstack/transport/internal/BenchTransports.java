package io.vstack.transport.internal;

/** For benchmarks outside the transport's package: a started transport on a free loopback port. */
public final class BenchTransports {

    private BenchTransports() {
    }

    /** A transport listening on 127.0.0.1, a free port, with the default settings; close it after. */
    public static TransportService loopback() {
        return new TransportService(TransportSettings.loopback()).start();
    }
}
