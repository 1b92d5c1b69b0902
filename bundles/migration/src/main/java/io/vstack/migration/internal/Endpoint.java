package io.vstack.migration.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host's migration endpoint: a TCP listener (loopback by default) whose accepted connections
 * are served on the manager's executor. One acceptor thread, ended by {@link #close}.
 */
final class Endpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    static final int SOCKET_BUFFER = 4 << 20;

    private final String host;
    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final Thread acceptor;

    Endpoint(String host, InetSocketAddress bind, ExecutorService executor, Consumer<SocketChannel> handler) throws IOException {
        this.host = host;
        this.server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        server.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        server.bind(bind);
        this.address = (InetSocketAddress) server.getLocalAddress();
        this.acceptor = new Thread(() -> accept(executor, handler), "vstack-migration-listen-" + host);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return address;
    }

    private void accept(ExecutorService executor, Consumer<SocketChannel> handler) {
        while (server.isOpen()) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.warn("migration endpoint of {} failed to accept: {}", host, e.toString());
                return;
            }
            try {
                socket.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                executor.execute(() -> handler.accept(socket));
            } catch (IOException | RejectedExecutionException e) {
                LOG.warn("migration endpoint of {} refused a connection: {}", host, e.toString());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    LOG.debug("close failed", ignored);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the endpoint of {}: {}", host, e.toString());
        }
        acceptor.interrupt();
    }
}
