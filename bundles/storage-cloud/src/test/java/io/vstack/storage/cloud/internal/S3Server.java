package io.vstack.storage.cloud.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;

/**
 * A real S3 server for tests: s3proxy on a loopback port, keeping its objects in a directory, so it
 * can be killed and started again on the same port with the same objects.
 */
public final class S3Server implements AutoCloseable {

    public static final String ACCESS_KEY = "vstack-test";
    public static final String SECRET_KEY = "vstack-test-secret";

    private final Path directory;
    private final int port;
    private S3Proxy proxy;

    public S3Server(Path directory) throws Exception {
        this.directory = Files.createDirectories(directory);
        try (ServerSocket socket = new ServerSocket(0)) {
            this.port = socket.getLocalPort();
        }
        start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public synchronized void start() throws Exception {
        if (proxy != null) {
            return;
        }
        S3Proxy started = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(directory.toString()))
                .endpoint(endpoint())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        started.start();
        while (!"STARTED".equals(started.getState())) {
            Thread.onSpinWait();
        }
        proxy = started;
    }

    /** Kills the server: connections are refused until {@link #start()}. */
    public synchronized void stop() throws Exception {
        if (proxy != null) {
            proxy.stop();
            proxy = null;
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not stop", e);
        }
    }

}
