package io.vstack.disks.internal;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import io.vstack.disks.internal.DiskAdmin.LinkHop;
import io.vstack.disks.internal.DiskAdmin.LinkTrace;
import io.vstack.support.RedirectHops;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Linked storage: a filter's request redirected to a disk (at one of its filters) in another
 * framework instance, over the transport's protocol {@value #PROTOCOL}. The client side is the
 * {@link LinkedStorage} a filter gets; the server side, a {@link ProtocolHandler}, runs the
 * request on the local disk opened at the named filter (so that filter and those below it see
 * it, and may redirect it further). Every request carries its hop list (the disks it passed, as
 * {@code endpoint/disk}): a disk met twice is a loop, and more than {@link LinkedStorage#MAX_HOPS}
 * hops are refused, both with a {@link RedirectLoopException} that travels back to the first
 * caller. Each disk keeps its last {@value #TRACE_SIZE} redirected requests with the hops they
 * took and each hop's latency ({@code disk:trace}).
 * <p>Wire, version 1. Request: version, op, offset, length, hop count and hops, disk, filter
 * (empty: the whole chain), then a write's data. Reply: status (ok, error, loop), message, the
 * hops the replier's own redirects took (from, to, filter, nanos), then a read's data. Strings
 * are a 2-byte length and UTF-8.
 */
final class Links implements LinkedStorage, ProtocolHandler {

    /** The transport protocol linked storage is served on. */
    static final String PROTOCOL = "vstack.disk.link";
    static final int TRACE_SIZE = 64;
    private static final byte VERSION = 1;
    private static final byte OK = 0;
    private static final byte ERROR = 1;
    private static final byte LOOP = 2;
    private static final Logger LOG = LoggerFactory.getLogger(Links.class);

    /** What a thread serving a redirected request knows: the hops so far, and the hops its own redirects add. */
    private record Served(List<String> hops, List<LinkHop> onward) {
    }

    private final DiskService disks;
    private final ThreadLocal<Served> served = new ThreadLocal<>();
    private final Map<Endpoint, TransportConnection> connections = new ConcurrentHashMap<>();
    private final Map<String, Deque<LinkTrace>> traces = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Transport transport;

    Links(DiskService disks) {
        this.disks = disks;
    }

    /** The transport appeared (or was replaced). */
    void transport(Transport t) {
        transport = t;
    }

    /**
     * A transport went away: if it was the one in use, connections close and redirects fail until one is back.
     *
     * @return whether it was the one in use
     */
    boolean transportRemoved(Transport t) {
        if (transport != t) {
            return false;
        }
        transport = null;
        connections.values().forEach(TransportConnection::close);
        connections.clear();
        return true;
    }

    /** The recent redirected requests of {@code disk}, oldest first. */
    List<LinkTrace> traces(String disk) {
        Deque<LinkTrace> d = traces.get(disk);
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return List.copyOf(d);
        }
    }

    void forget(String disk) {
        traces.remove(disk);
    }

    // ---- client ------------------------------------------------------------------------------

    @Override
    public void redirect(IoRequest request, Endpoint target, String diskId, String filter) throws IoException {
        Transport t = transport;
        Endpoint self = t == null ? null : t.localEndpoint().orElse(null);
        if (self == null) {
            throw RedirectHops.notServing(request.diskId(), target, diskId);
        }
        Served context = served.get();
        String here = RedirectHops.node(self, request.diskId());
        String there = RedirectHops.node(target, diskId);
        List<String> hops = RedirectHops.leaving(context != null ? context.hops() : List.of(), here, there);
        long start = System.nanoTime();
        List<LinkHop> taken = new ArrayList<>();
        String error = null;
        try {
            ByteBuffer reply = connection(t, target).call(PROTOCOL, encodeRequest(request, hops, diskId, filter),
                    disks.filterTimeout());
            long nanos = System.nanoTime() - start;
            byte status = reply.get();
            String message = string(reply);
            taken.add(new LinkHop(here, there, filter == null ? "" : filter, nanos));
            int count = reply.get() & 0xff;
            for (int i = 0; i < count; i++) {
                taken.add(new LinkHop(string(reply), string(reply), string(reply), reply.getLong()));
            }
            if (status == LOOP) {
                error = message;
                throw new RedirectLoopException(message);
            }
            if (status != OK) {
                error = message;
                throw new IoException(message);
            }
            if (request.op() == IoOp.READ) {
                ByteBuffer dst = request.buffer();
                dst.put(dst.position(), reply, reply.position(), (int) request.length());
            }
        } catch (TransportException e) {
            connections.remove(target);
            error = e.getMessage();
            throw new DiskUnavailableException("disk " + request.diskId() + ": redirect to " + there + " failed: " + e.getMessage(), e);
        } finally {
            if (context != null) {
                context.onward().addAll(taken);
            }
            record(request, taken, error);
        }
    }

    private TransportConnection connection(Transport t, Endpoint target) throws TransportException {
        TransportConnection c = connections.get(target);
        if (c != null && c.isOpen()) {
            return c;
        }
        synchronized (connections) {
            c = connections.get(target);
            if (c == null || !c.isOpen()) {
                c = t.connect(target);
                connections.put(target, c);
            }
            return c;
        }
    }

    private void record(IoRequest request, List<LinkHop> hops, String error) {
        Deque<LinkTrace> d = traces.computeIfAbsent(request.diskId(), k -> new ArrayDeque<>());
        LinkTrace trace = new LinkTrace(sequence.incrementAndGet(), request.op(), request.offset(), request.length(), List.copyOf(hops),
                error);
        synchronized (d) {
            if (d.size() == TRACE_SIZE) {
                d.removeFirst();
            }
            d.addLast(trace);
        }
    }

    private static ByteBuffer encodeRequest(IoRequest request, List<String> hops, String disk, String filter) {
        byte[][] strings = new byte[hops.size() + 2][];
        int size = 1 + 1 + 8 + 4 + 1;
        for (int i = 0; i < hops.size(); i++) {
            strings[i] = hops.get(i).getBytes(StandardCharsets.UTF_8);
        }
        strings[hops.size()] = disk.getBytes(StandardCharsets.UTF_8);
        strings[hops.size() + 1] = (filter == null ? "" : filter).getBytes(StandardCharsets.UTF_8);
        for (byte[] s : strings) {
            size += 2 + s.length;
        }
        boolean write = request.op() == IoOp.WRITE;
        ByteBuffer out = ByteBuffer.allocate(size + (write ? (int) request.length() : 0));
        out.put(VERSION).put((byte) request.op().ordinal()).putLong(request.offset()).putInt((int) request.length())
                .put((byte) hops.size());
        for (byte[] s : strings) {
            out.putShort((short) s.length).put(s);
        }
        if (write) {
            out.put(request.buffer().duplicate());
        }
        return out.flip();
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xffff];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void putString(ByteBuffer out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.putShort((short) bytes.length).put(bytes);
    }

    // ---- server ------------------------------------------------------------------------------

    @Override
    public ByteBuffer handle(ByteBuffer request, String peer) throws TransportException {
        if (request.remaining() < 15 || request.get() != VERSION) {
            throw new TransportException("linked storage: malformed request from " + peer + " (version 1 expected)");
        }
        IoOp op;
        long offset;
        int length;
        List<String> hops = new ArrayList<>();
        String disk;
        String filter;
        ByteBuffer data = null;
        try {
            int code = request.get();
            if (code < 0 || code >= IoOp.values().length) {
                throw new TransportException("linked storage: unknown operation " + code + " from " + peer);
            }
            op = IoOp.values()[code];
            offset = request.getLong();
            length = request.getInt();
            int count = request.get() & 0xff;
            for (int i = 0; i < count; i++) {
                hops.add(string(request));
            }
            disk = string(request);
            filter = string(request);
            if (length < 0 || op == IoOp.WRITE && request.remaining() != length) {
                throw new TransportException("linked storage: a " + op + " of " + length + " bytes from " + peer + " carries "
                        + request.remaining());
            }
            if (op == IoOp.WRITE) {
                data = request.slice();
            }
        } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new TransportException("linked storage: truncated request from " + peer, e);
        }
        List<LinkHop> onward = new ArrayList<>();
        Endpoint self = transport == null ? null : transport.localEndpoint().orElse(null);
        String here = self == null ? "?" + "/" + disk : RedirectHops.node(self, disk);
        try {
            RedirectHops.check(hops, here);
            List<String> visited = new ArrayList<>(hops);
            visited.add(here);
            ByteBuffer result = run(op, offset, length, disk, filter, data, new Served(visited, onward));
            return reply(OK, "", onward, result);
        } catch (RedirectLoopException e) {
            return reply(LOOP, e.getMessage(), onward, null);
        } catch (IoException | IllegalArgumentException e) {
            return reply(ERROR, e.getMessage(), onward, null);
        }
    }

    private ByteBuffer run(IoOp op, long offset, int length, String diskId, String filter, ByteBuffer data, Served context)
            throws IoException {
        DiskRuntime disk = disks.runtime(diskId);
        if (disk == null) {
            throw new DiskUnavailableException("no disk named " + UserText.quote(diskId) + " at the redirect's target");
        }
        served.set(context);
        try (DiskHandle handle = filter.isEmpty() ? disk.open("link") : disk.openAt("link", filter)) {
            switch (op) {
                case READ -> {
                    ByteBuffer buffer = ByteBuffer.allocate(length);
                    handle.read(offset, buffer);
                    return buffer.flip();
                }
                case WRITE -> handle.write(offset, data);
                case FLUSH -> handle.flush();
                case TRIM -> handle.trim(offset, length);
                default -> throw new IoException("unknown operation " + op);
            }
            return null;
        } finally {
            served.remove();
        }
    }

    private static ByteBuffer reply(byte status, String message, List<LinkHop> onward, ByteBuffer data) {
        int size = 1 + 2 + message.length() * 3 + 1 + (data == null ? 0 : data.remaining());
        for (LinkHop h : onward) {
            size += 6 + (h.from().length() + h.to().length() + h.filter().length()) * 3 + 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(status);
        putString(out, message);
        int count = Math.min(onward.size(), 255);
        out.put((byte) count);
        for (LinkHop h : onward.subList(0, count)) {
            putString(out, h.from());
            putString(out, h.to());
            putString(out, h.filter());
            out.putLong(h.nanos());
        }
        if (data != null) {
            out.put(data);
        }
        return out.flip();
    }

    /** Closes the connections. */
    void close() {
        connections.values().forEach(TransportConnection::close);
        connections.clear();
        LOG.debug("linked storage closed");
    }
}
