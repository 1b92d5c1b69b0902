package io.vstack.transport.internal;

import io.vstack.api.UserText;
import io.vstack.api.transport.ConnectionClosedException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.ProtocolMismatchException;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import io.vstack.api.transport.TransportTimeoutException;
import io.vstack.transport.internal.FrameDecoder.FrameError;
import io.vstack.transport.internal.Frames.Frame;
import io.vstack.transport.internal.Frames.Hello;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport as a plain object: one non-blocking I/O thread ({@code vstack-transport-io})
 * runs every connection of this process, server and client side, so a peer that stalls
 * mid-frame holds up nobody; protocol handlers run on a bounded pool of workers
 * ({@code vstack-transport-worker-N}) with a bounded queue (a full queue answers busy). The I/O
 * thread also enforces the timeouts: every {@value #TICK_MILLIS} ms it fails requests past their
 * deadline and closes connections stalled mid-frame longer than the frame timeout.
 * <p>Thread-safe. {@link #start} binds and starts the threads; {@link #close} stops them.
 */
public final class TransportService implements Transport, AutoCloseable {

    static final long TICK_MILLIS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(TransportService.class);

    private volatile TransportSettings settings;
    private final Map<String, ProtocolHandler> handlers = new ConcurrentHashMap<>();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Map<Link, ClientConnection> clients = new ConcurrentHashMap<>();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final Thread ioThread;
    private volatile ServerSocketChannel server;
    private volatile Endpoint local;
    private volatile boolean running = true;

    /** Opens the selector and creates (does not start) the threads. */
    public TransportService(TransportSettings settings) {
        this.settings = settings;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a selector: " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queue()), r -> {
                    Thread t = new Thread(r, "vstack-transport-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.workers.allowCoreThreadTimeOut(true);
        this.ioThread = new Thread(this::loop, "vstack-transport-io");
        this.ioThread.setDaemon(true);
    }

    /**
     * Listens on the configured address and port (a taken port is logged, and this transport then
     * serves nothing but still connects out) and starts the I/O thread.
     */
    public TransportService start() {
        TransportSettings s = settings;
        try {
            ServerSocketChannel ch = ServerSocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(s.bindAddress(), s.port()), 128);
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_ACCEPT);
            server = ch;
            local = new Endpoint(s.bindAddress().getHostAddress(), ((InetSocketAddress) ch.getLocalAddress()).getPort());
            LOG.info("Transport listening on {}", local);
        } catch (IOException e) {
            LOG.warn("io.vstack.transport: cannot listen on {}:{}: {}; this process serves no protocol until the "
                    + "configuration names a free port", s.bindAddress().getHostAddress(), s.port(), e.getMessage());
        }
        ioThread.start();
        return this;
    }

    /** Applies new timeouts in place (the other settings apply at the next start). */
    void settings(TransportSettings next) {
        settings = next;
    }

    TransportSettings settings() {
        return settings;
    }

    // ---- the whiteboard -----------------------------------------------------------------------

    /** A protocol handler appeared. A second handler of the same name is ignored (logged). */
    public void addHandler(String protocol, ProtocolHandler handler) {
        Frames.protocolName(protocol);
        ProtocolHandler old = handlers.putIfAbsent(protocol, handler);
        if (old != null && old != handler) {
            LOG.warn("Transport: protocol {} is served already; a second handler for it is ignored", UserText.quote(protocol));
        } else {
            LOG.info("Transport serves protocol {}", protocol);
        }
    }

    /** A protocol handler went away; requests already running finish. */
    public void removeHandler(String protocol, ProtocolHandler handler) {
        if (handlers.remove(protocol, handler)) {
            LOG.info("Transport no longer serves protocol {}", protocol);
        }
    }

    // ---- Transport ----------------------------------------------------------------------------

    @Override
    public Optional<Endpoint> localEndpoint() {
        return Optional.ofNullable(local);
    }

    @Override
    public List<String> protocols() {
        return handlers.keySet().stream().sorted().toList();
    }

    @Override
    public TransportConnection connect(Endpoint endpoint) throws TransportException {
        if (!running) {
            throw new ConnectionClosedException("the transport is stopped");
        }
        TransportSettings s = settings;
        InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
        if (address.isUnresolved()) {
            throw new ConnectionClosedException("cannot reach " + endpoint + ": unknown host " + UserText.quote(endpoint.host()));
        }
        SocketChannel ch;
        boolean connected;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connected = ch.connect(address);
        } catch (IOException e) {
            throw new ConnectionClosedException("cannot reach " + endpoint + ": " + e.getMessage(), e);
        }
        Link link = new Link(ch, endpoint.toString(), s.maxPayload(), this::wantsWrite);
        ClientConnection connection = new ClientConnection(endpoint, link, () -> settings.requestTimeout());
        clients.put(link, connection);
        links.add(link);
        execute(() -> register(link, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, connected));
        try {
            return connection.handshake.get(s.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            connection.closed(new TransportTimeoutException("no handshake from " + endpoint + " within "
                    + s.connectTimeout().toMillis() + " ms"));
            throw new TransportTimeoutException("no handshake from " + endpoint + " within " + s.connectTimeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            connection.closed(new ConnectionClosedException("handshake failed"));
            if (e.getCause() instanceof TransportException t) {
                throw t;
            }
            throw new ConnectionClosedException("cannot reach " + endpoint + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connection.closed(new ConnectionClosedException("interrupted while connecting"));
            throw new ConnectionClosedException("interrupted while connecting to " + endpoint, e);
        }
    }

    /** Connections open now (both sides), for status and tests. */
    int openLinks() {
        return links.size();
    }

    // ---- the I/O thread -----------------------------------------------------------------------

    private void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void wantsWrite(Link link) {
        execute(() -> {
            SelectionKey key = link.key;
            if (key != null && key.isValid()) {
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        });
    }

    private void register(Link link, int ops, boolean sendHello) {
        try {
            link.key = link.channel.register(selector, ops, link);
            if (sendHello) {
                link.send(Frames.hello(Frames.VERSION, settings.maxPayload()));
            }
        } catch (IOException | TransportException e) {
            fail(link, new ConnectionClosedException("cannot reach " + link.peer + ": " + e.getMessage(), e));
        }
    }

    private void loop() {
        long nextScan = System.nanoTime();
        while (running) {
            try {
                selector.select(this::ready, TICK_MILLIS);
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                long now = System.nanoTime();
                if (now - nextScan >= 0) {
                    scan(now);
                    nextScan = now + TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Transport I/O loop: {}", e.toString(), e);
            }
        }
    }

    private void ready(SelectionKey key) {
        try {
            if (!key.isValid()) {
                return;
            }
            if (key.isAcceptable()) {
                accept();
                return;
            }
            Link link = (Link) key.attachment();
            if (key.isConnectable()) {
                finishConnect(link, key);
            }
            if (key.isValid() && key.isReadable()) {
                read(link);
            }
            if (key.isValid() && key.isWritable() && link.flush() && key.isValid()) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            }
        } catch (java.nio.channels.CancelledKeyException gone) {
            // closed by another thread meanwhile
        }
    }

    private void accept() {
        try {
            SocketChannel ch = server.accept();
            if (ch == null) {
                return;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            String peer = String.valueOf(ch.getRemoteAddress()).replaceFirst("^/", "");
            Link link = new Link(ch, peer, settings.maxPayload(), this::wantsWrite);
            links.add(link);
            link.key = ch.register(selector, SelectionKey.OP_READ, link);
            LOG.debug("Transport: connection from {}", peer);
        } catch (IOException e) {
            LOG.debug("Transport: accept failed", e);
        }
    }

    private void finishConnect(Link link, SelectionKey key) {
        try {
            link.channel.finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            link.send(Frames.hello(Frames.VERSION, settings.maxPayload()));
        } catch (IOException | TransportException e) {
            fail(link, new ConnectionClosedException("cannot reach " + link.peer + ": " + e.getMessage(), e));
        }
    }

    private void read(Link link) {
        ByteBuffer b = readBuffer;
        b.clear();
        int n;
        try {
            n = link.channel.read(b);
        } catch (IOException e) {
            fail(link, new ConnectionClosedException("connection to " + link.peer + " broke: " + e.getMessage(), e));
            return;
        }
        if (n < 0) {
            fail(link, new ConnectionClosedException(link.peer + " closed the connection"));
            return;
        }
        link.progressNanos = System.nanoTime();
        b.flip();
        if (link.helloIn.hasRemaining()) {
            int take = Math.min(b.remaining(), link.helloIn.remaining());
            link.helloIn.put(b.slice().limit(take));
            b.position(b.position() + take);
            if (link.helloIn.hasRemaining() || !hello(link)) {
                return;
            }
        }
        ClientConnection client = clients.get(link);
        while (b.hasRemaining() && !link.isClosed()) {
            Frame frame;
            try {
                frame = link.decoder.next(b);
            } catch (FrameError e) {
                frameError(link, client, e);
                if (e.fatal) {
                    return;
                }
                continue;
            }
            if (frame == null) {
                return;
            }
            if (client != null) {
                client.received(frame);
            } else {
                serve(link, frame);
            }
        }
    }

    /** The peer's hello is whole; returns whether the link goes on. */
    private boolean hello(Link link) {
        Hello hello = Frames.hello(link.helloIn.duplicate().flip());
        ClientConnection client = clients.get(link);
        if (client != null) {
            if (hello.magic() != Frames.MAGIC) {
                fail(link, new ProtocolMismatchException(link.peer + " does not speak the vstack transport"));
                return false;
            }
            if (hello.version() != Frames.VERSION) {
                fail(link, new ProtocolMismatchException(link.peer + " speaks transport version " + hello.version()
                        + ", this host speaks " + Frames.VERSION));
                return false;
            }
            client.ready(hello.maxPayload());
            return true;
        }
        if (hello.magic() != Frames.MAGIC) {
            LOG.debug("Transport: {} does not speak the vstack transport; closed", link.peer);
            link.close(new ProtocolMismatchException(link.peer + " does not speak the vstack transport"));
            links.remove(link);
            return false;
        }
        ByteBuffer answer = Frames.hello(Frames.VERSION, settings.maxPayload());
        if (hello.version() != Frames.VERSION) {
            LOG.debug("Transport: {} speaks version {}; answered with {} and closed", link.peer, hello.version(), Frames.VERSION);
            link.sendAndClose(answer, new ProtocolMismatchException("version " + hello.version()));
            return false;
        }
        try {
            link.send(answer);
        } catch (ConnectionClosedException e) {
            links.remove(link);
            return false;
        }
        return true;
    }

    private void frameError(Link link, ClientConnection client, FrameError e) {
        LOG.debug("Transport: from {}: {}", link.peer, e.getMessage());
        if (client != null) {
            if (e.fatal) {
                fail(link, new ConnectionClosedException("connection to " + link.peer + " closed: " + e.getMessage()));
            } else {
                client.corrupt(e.id, e.getMessage());
            }
            return;
        }
        if (e.fatal) {
            link.sendAndClose(Frames.error(0, e.code, e.getMessage() + "; the connection is closed"),
                    new ConnectionClosedException(e.getMessage()));
        } else {
            reply(link, Frames.error(e.id, e.code, e.getMessage()));
        }
    }

    /** A frame came to the server side of a link. */
    private void serve(Link link, Frame frame) {
        if (frame.type() != Frames.REQUEST) {
            reply(link, Frames.error(frame.id(), Frames.E_MALFORMED, "a server takes request frames only"));
            return;
        }
        ProtocolHandler handler = handlers.get(frame.protocol());
        if (handler == null) {
            reply(link, Frames.error(frame.id(), Frames.E_UNKNOWN_PROTOCOL, "no protocol " + UserText.quote(frame.protocol())
                    + " is served here (served: " + (handlers.isEmpty() ? "none" : String.join(", ", protocols())) + ")"));
            return;
        }
        try {
            workers.execute(() -> handle(link, frame, handler));
        } catch (RejectedExecutionException e) {
            reply(link, Frames.error(frame.id(), Frames.E_BUSY, "busy: " + settings.queue()
                    + " requests are waiting for a worker already; try again"));
        }
    }

    private void handle(Link link, Frame frame, ProtocolHandler handler) {
        ByteBuffer answer;
        try {
            ByteBuffer reply = handler.handle(frame.payload(), link.peer);
            if (reply.remaining() > settings.maxPayload()) {
                answer = Frames.error(frame.id(), Frames.E_FAILED, "the reply of " + reply.remaining()
                        + " bytes exceeds the frame bound of " + settings.maxPayload());
            } else {
                answer = Frames.encode(Frames.REPLY, 0, frame.id(), null, reply);
            }
        } catch (TransportException e) {
            answer = Frames.error(frame.id(), Frames.E_FAILED, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Transport: protocol {} failed a request from {}: {}", frame.protocol(), link.peer, e.toString(), e);
            answer = Frames.error(frame.id(), Frames.E_FAILED, "protocol " + frame.protocol() + " failed: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        reply(link, answer);
    }

    private void reply(Link link, ByteBuffer frame) {
        try {
            link.send(frame);
        } catch (ConnectionClosedException gone) {
            LOG.debug("Transport: reply to {} dropped, the connection is closed", link.peer);
        }
    }

    private void fail(Link link, TransportException reason) {
        ClientConnection client = clients.remove(link);
        if (client != null) {
            client.closed(reason);
        } else {
            link.close(reason);
        }
        links.remove(link);
    }

    /** Timeouts: requests past their deadline, peers stalled mid-frame. */
    private void scan(long now) {
        long stall = settings.frameTimeout().toNanos();
        for (Link link : links) {
            if (link.isClosed()) {
                fail(link, link.closeReason() != null ? link.closeReason() : new ConnectionClosedException("closed"));
                continue;
            }
            ClientConnection client = clients.get(link);
            if (client != null) {
                client.expire(now);
            }
            boolean inHello = link.helloIn.hasRemaining();
            if (inHello && client != null) {
                continue; // connect() waits for the handshake with its own timeout
            }
            boolean waiting = inHello || link.decoder.midFrame();
            if (waiting && now - link.progressNanos > stall) {
                String message = "stalled for more than " + settings.frameTimeout().toMillis() + " ms in the middle of a "
                        + (link.helloIn.hasRemaining() ? "handshake" : "frame");
                LOG.debug("Transport: {} {}; closed", link.peer, message);
                if (client != null || inHello) {
                    fail(link, new ConnectionClosedException(link.peer + " " + message + "; the connection is closed"));
                } else {
                    link.sendAndClose(Frames.error(0, Frames.E_CLOSING, message + "; the connection is closed"),
                            new ConnectionClosedException(message));
                }
            }
        }
    }

    /** Stops the I/O thread and the workers and closes every connection. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            ioThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Link link : links) {
            fail(link, new ConnectionClosedException("the transport of this host stopped"));
        }
        try {
            if (server != null) {
                server.close();
            }
            selector.close();
        } catch (IOException e) {
            LOG.debug("Transport: closing the server socket failed", e);
        }
        workers.shutdownNow();
        local = null;
        LOG.info("Transport stopped");
    }
}
