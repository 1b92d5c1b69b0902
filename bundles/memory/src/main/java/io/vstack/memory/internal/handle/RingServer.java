package io.vstack.memory.internal.handle;

import io.vstack.api.disk.DiskManager;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of memory handles between processes: listens on a Unix domain socket (in the
 * broker's 0700 region directory), and serves each client connection as a {@link Session} on a
 * thread of its own, at most {@code maxClients} at once (a client beyond that is told so and
 * disconnected). A session creates regions for its client, maps the handles the client passes it,
 * opens disks, and then serves requests from a shared ring (or, as the comparison peer, from the
 * socket itself).
 */
public final class RingServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RingServer.class);

    private final Broker broker;
    private final Path socket;
    private final Supplier<DiskManager> disks;
    private final ThreadPoolExecutor sessions;
    private final Set<Session> live = ConcurrentHashMap.newKeySet();
    private final AtomicInteger numbers = new AtomicInteger();
    private volatile ServerSocketChannel server;
    private volatile Thread acceptor;
    private volatile boolean closed;

    /**
     * @param disks the disk manager, or a supplier of null while there is none
     */
    public RingServer(Broker broker, Path socket, Supplier<DiskManager> disks, int maxClients) {
        this.broker = broker;
        this.socket = socket;
        this.disks = disks;
        AtomicInteger threads = new AtomicInteger();
        this.sessions = new ThreadPoolExecutor(maxClients, maxClients, 0, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> new Thread(r, "vstack-mem-session-" + threads.incrementAndGet()));
    }

    /** Binds the socket and starts accepting on the thread {@code vstack-mem-accept}. */
    public synchronized void start() throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PrivateFiles.FILE);
        server = channel;
        Thread t = new Thread(this::accept, "vstack-mem-accept");
        t.setDaemon(true);
        acceptor = t;
        t.start();
        LOG.info("Memory handle server listening on {}", socket);
    }

    /** The socket clients connect to. */
    public Path socket() {
        return socket;
    }

    /** Sessions connected now. */
    public int sessions() {
        return live.size();
    }

    Broker broker() {
        return broker;
    }

    DiskManager diskManager() {
        return disks.get();
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Memory handle server: accept failed: {}", e.getMessage());
                }
                return;
            }
            Session session = new Session(this, client, numbers.incrementAndGet());
            try {
                live.add(session);
                sessions.execute(() -> {
                    try {
                        session.run();
                    } finally {
                        live.remove(session);
                    }
                });
            } catch (RejectedExecutionException e) {
                live.remove(session);
                session.refuse("too many memory clients (" + sessions.getMaximumPoolSize() + "): try again later");
            }
        }
    }

    /** Stops accepting, disconnects every session and waits up to 2 s for their threads (then interrupts them). */
    @Override
    public void close() {
        closed = true;
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing the memory handle socket", e);
        }
        live.forEach(Session::disconnect);
        sessions.shutdown();
        try {
            // A closed socket ends every session; only one stuck in a disk call needs the interrupt.
            if (!sessions.awaitTermination(2, TimeUnit.SECONDS)) {
                sessions.shutdownNow();
                LOG.warn("Memory handle sessions did not end within 2 s: interrupted");
            }
            Thread t = acceptor;
            if (t != null) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("Deleting the memory handle socket", e);
        }
    }
}
