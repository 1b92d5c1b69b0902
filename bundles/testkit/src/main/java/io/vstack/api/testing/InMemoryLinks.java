package io.vstack.api.testing;

import io.vstack.api.UserText;
import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.IoException;
import io.vstack.api.io.IoOp;
import io.vstack.api.io.IoRequest;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.transport.Endpoint;
import io.vstack.support.RedirectHops;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST SUPPORT: linked storage ({@link LinkedStorage}) between filter framework instances in
 * memory. Each instance is named by the {@link Endpoint} it would serve on and holds the disks
 * {@linkplain #serve served} there; a filter of such a disk (added with
 * {@link InMemoryDisk#withFilter(io.vstack.api.filter.IoFilterFactory, Map, java.nio.file.Path)})
 * gets this instance's linked storage in its context and may redirect requests to any served disk.
 * <p>The semantics are the framework's ({@code vstack.disk.link}), without the socket: the request
 * enters the target disk's chain at the named filter (null: at the top) on a request of its own
 * (a write's bytes are copied, a read's are copied back into the caller's buffer from its
 * position to its limit, the position left alone); the request carries its hop list
 * ({@code endpoint/disk}), a disk met twice or more than {@link LinkedStorage#MAX_HOPS} hops fail it
 * with a {@link RedirectLoopException} back to the first caller; an instance that does not serve
 * (not served, or {@linkplain #stop stopped}) fails it with a {@link DiskUnavailableException};
 * what the target's chain fails it with comes back as an {@link IoException} with its message.
 * Each disk keeps its last {@value #TRACE_SIZE} redirected requests with the hops they took and
 * each hop's time ({@link #traces}, what {@code disk:trace} shows).
 * <p>Thread-safe. The redirect runs on the calling thread.
 */
public final class InMemoryLinks {

    /** Redirected requests a disk keeps, as the framework does. */
    public static final int TRACE_SIZE = 64;

    /** The linked storage of a process whose transport is not serving: every redirect fails. */
    static final LinkedStorage NOT_SERVING = (request, target, diskId, filter) -> {
        throw RedirectHops.notServing(request.diskId(), target, diskId);
    };

    /**
     * One hop of a redirected request.
     *
     * @param from   {@code endpoint/disk} the request left
     * @param to     {@code endpoint/disk} it went to
     * @param filter the filter it entered at there, empty for the top of the chain
     * @param nanos  the hop's time, including the hops after it
     */
    public record Hop(String from, String to, String filter, long nanos) {
    }

    /**
     * A redirected request as its disk keeps it.
     *
     * @param op     the operation
     * @param offset the offset
     * @param length the length
     * @param hops   the hops it took, in order (none if it was refused before it left)
     * @param error  why it failed, or null
     */
    public record Trace(IoOp op, long offset, long length, List<Hop> hops, String error) {
        /** Copies the hops. */
        public Trace {
            hops = List.copyOf(hops);
        }
    }

    /** What a thread running a redirected request knows: the hops so far, and the hops its own redirects add. */
    private record Served(List<String> hops, List<Hop> onward) {
    }

    private final Map<Endpoint, Map<String, VirtualDisk>> instances = new ConcurrentHashMap<>();
    private final Set<Endpoint> stopped = ConcurrentHashMap.newKeySet();
    private final Map<String, Deque<Trace>> traces = new ConcurrentHashMap<>();
    private final ThreadLocal<Served> served = new ThreadLocal<>();

    /**
     * Serves {@code disks} at the framework instance of {@code endpoint} (made on first use, and
     * serving again if it was stopped); an {@link InMemoryDisk}'s filters then redirect through
     * this instance. Returns this.
     *
     * @throws IllegalArgumentException if a disk of the same id is served there already
     */
    public InMemoryLinks serve(Endpoint endpoint, VirtualDisk... disks) {
        Objects.requireNonNull(endpoint, "endpoint");
        Map<String, VirtualDisk> served = instances.computeIfAbsent(endpoint, e -> new ConcurrentHashMap<>());
        for (VirtualDisk disk : disks) {
            if (served.putIfAbsent(disk.id(), disk) != null) {
                throw new IllegalArgumentException("disk " + disk.id() + " is served at " + endpoint + " already");
            }
            if (disk instanceof InMemoryDisk memory) {
                memory.linkedStorage(at(endpoint));
            }
        }
        stopped.remove(endpoint);
        return this;
    }

    /** The instance at {@code endpoint} stops serving (as its process would): redirects to it and from it fail. */
    public void stop(Endpoint endpoint) {
        stopped.add(endpoint);
    }

    /** The linked storage of the framework instance at {@code self}: what its filters redirect with. */
    public LinkedStorage at(Endpoint self) {
        Objects.requireNonNull(self, "self");
        return (request, target, diskId, filter) -> redirect(self, request, target, diskId, filter);
    }

    /** The recent redirected requests of disk {@code diskId} at {@code endpoint}, oldest first. */
    public List<Trace> traces(Endpoint endpoint, String diskId) {
        Deque<Trace> d = traces.get(RedirectHops.node(endpoint, diskId));
        if (d == null) {
            return List.of();
        }
        synchronized (d) {
            return List.copyOf(d);
        }
    }

    private boolean serving(Endpoint endpoint) {
        return instances.containsKey(endpoint) && !stopped.contains(endpoint);
    }

    private void redirect(Endpoint self, IoRequest request, Endpoint target, String diskId, String filter) throws IoException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(diskId, "diskId");
        if (!serving(self)) {
            throw RedirectHops.notServing(request.diskId(), target, diskId);
        }
        Served context = served.get();
        String here = RedirectHops.node(self, request.diskId());
        String there = RedirectHops.node(target, diskId);
        // A loop is refused before the request leaves: not a redirected request of this disk.
        List<String> hops = RedirectHops.leaving(context != null ? context.hops() : List.of(), here, there);
        List<Hop> taken = new ArrayList<>();
        String error = null;
        try {
            if (!serving(target)) {
                throw new DiskUnavailableException("disk " + request.diskId() + ": redirect to " + there
                        + " failed: no framework instance serves " + target);
            }
            long start = System.nanoTime();
            List<Hop> onward = new ArrayList<>();
            List<String> visited = new ArrayList<>(hops);
            visited.add(there);
            try {
                run(request, instances.get(target).get(diskId), diskId, filter, new Served(visited, onward));
            } finally {
                taken.add(new Hop(here, there, filter == null ? "" : filter, System.nanoTime() - start));
                taken.addAll(onward);
            }
        } catch (IoException e) {
            error = e.getMessage();
            throw e;
        } finally {
            if (context != null) {
                context.onward().addAll(taken);
            }
            record(here, request, taken, error);
        }
    }

    /** Runs the request on the target disk, as the framework's server side does. */
    private void run(IoRequest request, VirtualDisk disk, String diskId, String filter, Served context) throws IoException {
        Served outer = served.get();
        served.set(context);
        try {
            if (disk == null) {
                throw new DiskUnavailableException("no disk named " + UserText.quote(diskId) + " at the redirect's target");
            }
            int length = (int) request.length();
            try (DiskHandle handle = filter == null ? disk.open("link") : disk.openAt("link", filter)) {
                switch (request.op()) {
                    case READ -> {
                        ByteBuffer copy = ByteBuffer.allocate(length);
                        handle.read(request.offset(), copy);
                        ByteBuffer dst = request.buffer();
                        dst.put(dst.position(), copy, 0, length);
                    }
                    case WRITE -> {
                        ByteBuffer copy = ByteBuffer.allocate(length).put(request.buffer().duplicate().limit(
                                request.buffer().position() + length)).flip();
                        handle.write(request.offset(), copy);
                    }
                    case FLUSH -> handle.flush();
                    case TRIM -> handle.trim(request.offset(), request.length());
                }
            }
        } catch (RedirectLoopException e) {
            throw new RedirectLoopException(e.getMessage());
        } catch (IoException | IllegalArgumentException e) {
            // Only the message crosses back, as over the wire.
            throw new IoException(e.getMessage());
        } finally {
            served.set(outer);
        }
    }

    private void record(String node, IoRequest request, List<Hop> hops, String error) {
        Deque<Trace> d = traces.computeIfAbsent(node, k -> new ArrayDeque<>());
        Trace trace = new Trace(request.op(), request.offset(), request.length(), hops, error);
        synchronized (d) {
            if (d.size() == TRACE_SIZE) {
                d.removeFirst();
            }
            d.addLast(trace);
        }
    }
}
