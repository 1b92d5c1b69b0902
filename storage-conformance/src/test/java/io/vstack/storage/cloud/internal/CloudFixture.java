package io.vstack.storage.cloud.internal;

import io.vstack.api.storage.StorageBackend;
import io.vstack.storage.conformance.BackendFixture;
import java.nio.file.Path;

/** The cloud backend against a real S3 server (s3proxy on loopback); the fault is the server killed. */
public final class CloudFixture implements BackendFixture {

    private final S3Server server;
    private final long capacity;
    private CloudBackend cloud;

    public CloudFixture(Path dir, long capacity) {
        this.capacity = capacity;
        try {
            this.server = new S3Server(dir.resolve("s3"));
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy did not start", e);
        }
        reopen();
    }

    @Override public String name() { return "cloud-conformance"; }
    @Override public StorageBackend backend() { return cloud; }

    @Override
    public StorageBackend reopen() {
        if (cloud != null) {
            cloud.close();
        }
        cloud = new CloudBackend(CloudConfig.parse(server.endpoint().toString(), "conformance", "us-east-1",
                S3Server.ACCESS_KEY, S3Server.SECRET_KEY, "1M", "0", Long.toString(capacity)));
        return cloud;
    }

    @Override public long capacity() { return capacity; }
    @Override public void injectFault() throws Exception { server.stop(); }
    @Override public boolean toleratesFault() { return false; }
    @Override public void heal() throws Exception { server.start(); }

    @Override
    public void close() {
        cloud.close();
        server.close();
    }
}
