package io.vstack.itest;

import java.net.ServerSocket;
import java.net.URI;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 server (s3proxy, in memory) on a loopback port, started once in the test driver's JVM
 * (outside the container) and left running until that JVM ends. Only the driver uses this class.
 */
final class S3ProxyForIt {

    static final String ACCESS_KEY = "vstack-it";
    static final String SECRET_KEY = "vstack-it-secret";
    private static URI endpoint;

    private S3ProxyForIt() {
    }

    static synchronized URI endpoint() throws Exception {
        if (endpoint == null) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            URI uri = URI.create("http://127.0.0.1:" + port);
            S3Proxy proxy = S3Proxy.builder().blobStore(new TransientNio2BlobStore()).endpoint(uri)
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
            proxy.start();
            while (!"STARTED".equals(proxy.getState())) {
                Thread.onSpinWait();
            }
            endpoint = uri;
        }
        return endpoint;
    }
}
