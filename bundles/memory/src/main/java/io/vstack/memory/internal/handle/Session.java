package io.vstack.memory.internal.handle;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.io.IoException;
import io.vstack.api.memory.HandleRevokedException;
import io.vstack.api.memory.InvalidRangeException;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.memory.MemoryHandle;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import io.vstack.memory.internal.handle.Wire.Status;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the {@link RingServer}. Control requests first (see {@link Control}):
 * <pre>
 * HELLO name                    OK owner
 * REGION size                   OK regionId file dataOffset     (a region the client owns)
 * GRANT regionId offset length [ro] [expires=epochMillis] [maxMaps=n] [noregrant]
 *                               OK token                        (to grantee "vstack")
 * HANDLE token                  OK handleId sections sectionSize (the server maps the grant)
 * MAPPED handleId               OK mappedSections sections
 * DISK name                     OK diskIndex                    (opens a handle on a virtual disk)
 * RING slots                    OK file                         (then requests travel on the ring)
 * STREAM                        OK                              (then requests and data travel on the socket)
 * </pre>
 * On the ring, each request names a handle of this session and a range in it: the server checks
 * the handle's grant, maps the touched sections, and serves the op straight from the mapped bytes
 * (a disk write gets a slice of the section as its buffer). Whatever a request carries, it fails
 * alone with a {@link Wire.Status}; the session and the server keep running. When the client
 * disconnects its handles, disks, regions and ring file go.
 * <p>Runs on one thread (the session's).
 */
final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The largest request data on the stream (the comparison protocol). */
    static final int STREAM_MAX = 1 << 20;

    private final RingServer server;
    private final Broker broker;
    private final SocketChannel channel;
    private final int number;
    private final Map<Long, MappedHandle> handles = new ConcurrentHashMap<>();
    private final List<DiskHandle> disks = new ArrayList<>();
    private final List<String> regions = new ArrayList<>();
    private long sum;
    private String owner;
    private Path ringFile;
    private long result;

    Session(RingServer server, SocketChannel channel, int number) {
        this.server = server;
        this.broker = server.broker();
        this.channel = channel;
        this.number = number;
        this.owner = "client#" + number;
    }

    void refuse(String why) {
        try {
            Control.send(channel, "ERR " + why);
        } catch (IOException e) {
            LOG.debug("Memory session {}: refusing", number, e);
        }
        disconnect();
    }

    void disconnect() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Memory session {}: close", number, e);
        }
    }

    void run() {
        try {
            while (true) {
                String request = Control.receive(channel);
                String[] w = request.split(" ");
                if (w[0].equals("RING")) {
                    int slots = Integer.parseInt(w[1]);
                    if (!Ring.validSlots(slots)) {
                        Control.send(channel, "ERR ring slots must be a power of two from 2 to 65536: " + w[1]);
                        continue;
                    }
                    runRing(slots);
                    return;
                } else if (w[0].equals("STREAM")) {
                    Control.send(channel, "OK");
                    runStream();
                    return;
                }
                Control.send(channel, answer(w));
            }
        } catch (EOFException | ClosedChannelException e) {
            LOG.debug("Memory session {} ({}) ended", number, owner);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Memory session {} ({}) failed: {}", number, owner, e.toString());
        } finally {
            cleanUp();
        }
    }

    private String answer(String[] w) {
        try {
            switch (w[0]) {
                case "HELLO":
                    if (w.length != 2 || !NAME.matcher(w[1]).matches()) {
                        return "ERR a client name is 1 to 64 letters, digits, '.', '_' or '-'";
                    }
                    owner = "client:" + w[1] + "#" + number;
                    return "OK " + owner;
                case "REGION": {
                    MemoryRegion r = broker.createRegion(owner, Long.parseLong(w[1]));
                    regions.add(r.id());
                    return "OK " + r.id() + " " + r.file() + " " + r.dataOffset();
                }
                case "GRANT":
                    return "OK " + broker.grant(w[1], owner, "vstack", Long.parseLong(w[2]), Long.parseLong(w[3]),
                            restrictions(w)).token();
                case "HANDLE": {
                    MappedHandle h = (MappedHandle) broker.map(w[1]);
                    handles.put(h.id(), h);
                    return "OK " + h.id() + " " + h.sectionCount() + " " + h.sectionSize();
                }
                case "MAPPED": {
                    MappedHandle h = handles.get(Long.parseLong(w[1]));
                    return h == null ? "ERR no handle " + w[1] + " in this session"
                            : "OK " + h.mappedSections() + " " + h.sectionCount();
                }
                case "DISK":
                    return openDisk(w[1]);
                default:
                    return "ERR unknown request " + w[0];
            }
        } catch (MemoryException e) {
            return "ERR " + e.getMessage();
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            return "ERR malformed request " + w[0];
        } catch (IllegalArgumentException e) {
            return "ERR " + e.getMessage();
        }
    }

    private static Restrictions restrictions(String[] w) {
        boolean readOnly = false;
        boolean noRegrant = false;
        Optional<Instant> expires = Optional.empty();
        int maxMaps = 0;
        for (int i = 4; i < w.length; i++) {
            if (w[i].equals("ro")) {
                readOnly = true;
            } else if (w[i].equals("noregrant")) {
                noRegrant = true;
            } else if (w[i].startsWith("expires=")) {
                expires = Optional.of(Instant.ofEpochMilli(Long.parseLong(w[i].substring(8))));
            } else if (w[i].startsWith("maxMaps=")) {
                maxMaps = Integer.parseInt(w[i].substring(8));
            } else {
                throw new IllegalArgumentException("unknown restriction " + w[i]);
            }
        }
        return new Restrictions(readOnly, expires, maxMaps, noRegrant);
    }

    private String openDisk(String name) {
        DiskManager manager = server.diskManager();
        if (manager == null) {
            return "ERR no disk manager is running";
        }
        Optional<VirtualDisk> disk = manager.disk(name);
        if (disk.isEmpty()) {
            return "ERR no disk " + name;
        }
        try {
            disks.add(disk.get().open(owner));
            return "OK " + (disks.size() - 1);
        } catch (IoException e) {
            return "ERR " + e.getMessage();
        }
    }

    private void runRing(int slots) throws IOException {
        ringFile = broker.regionDirectory().resolve("c" + number + ".ring");
        Files.deleteIfExists(ringFile);
        PrivateFiles.newFile(ringFile);
        MappedByteBuffer map;
        try (FileChannel ch = FileChannel.open(ringFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, Ring.fileSize(slots));
        }
        Ring.format(map, slots);
        Control.send(channel, "OK " + ringFile);
        Doorbell bell = new Doorbell(channel);
        Ring requests = Ring.requests(map, slots);
        Ring responses = Ring.responses(map, slots);
        while (true) {
            int at = requests.await(bell);
            long seq = map.getLong(at + Wire.SEQ);
            int op = map.getInt(at + Wire.OP);
            long handle = map.getLong(at + Wire.HANDLE);
            int disk = map.getInt(at + Wire.DISK);
            long offset = map.getLong(at + Wire.OFFSET);
            long length = map.getLong(at + Wire.LENGTH);
            long diskOffset = map.getLong(at + Wire.DISK_OFFSET);
            requests.release();
            result = 0;
            Status status = serveFromHandle(op, handle, disk, offset, length, diskOffset);
            int r = responses.claim();
            if (r < 0) {
                throw new IOException("the client has more requests in flight than its ring holds");
            }
            Wire.put(map, r, seq, op, handle, disk, offset, length, diskOffset);
            map.putInt(r + Wire.STATUS, status.ordinal());
            map.putLong(r + Wire.RESULT, result);
            responses.publish(bell);
        }
    }

    /** Serves a ring request: the data is the handle's, where it lies. */
    private Status serveFromHandle(int op, long handleId, int diskIndex, long offset, long length, long diskOffset) {
        if (op == Wire.OP_NOP) {
            return Status.OK;
        }
        DiskHandle disk = null;
        if (op == Wire.OP_WRITE || op == Wire.OP_READ || op == Wire.OP_FLUSH) {
            if (diskIndex < 0 || diskIndex >= disks.size()) {
                return Status.UNKNOWN_DISK;
            }
            disk = disks.get(diskIndex);
        }
        if (op == Wire.OP_FLUSH) {
            return flush(disk);
        }
        MappedHandle h = handles.get(handleId);
        if (h == null) {
            return Status.UNKNOWN_HANDLE;
        }
        if (op != Wire.OP_SUM && op != Wire.OP_WRITE && op != Wire.OP_READ) {
            return Status.BAD_OP;
        }
        if (offset < 0 || length < 0 || offset > h.size() || length > h.size() - offset) {
            return Status.INVALID_RANGE;
        }
        if (op == Wire.OP_READ && h.readOnly()) {
            return Status.READ_ONLY;
        }
        try {
            h.check();
            if (op != Wire.OP_SUM && h.truncated()) {
                // Filters may read the buffer with intrinsics the JVM cannot recover from on a bus error.
                return fault(h, "the region's file was truncated under the handle");
            }
            sum = WordSum.SEED;
            long sectionSize = h.sectionSize();
            for (long done = 0; done < length; ) {
                long at = offset + done;
                int n = (int) Math.min(length - done, (at / sectionSize + 1) * sectionSize - at);
                Status s = serve(op, h.slice(at, n), disk, diskOffset + done);
                if (s != Status.OK) {
                    return s;
                }
                done += n;
            }
            if (op == Wire.OP_SUM) {
                result = sum;
            }
            return Status.OK;
        } catch (InvalidRangeException e) {
            return Status.INVALID_RANGE;
        } catch (HandleRevokedException e) {
            return Status.REVOKED;
        } catch (MemoryException e) {
            return fault(h, e.getMessage());
        } catch (InternalError e) {
            // The JVM turns a bus error on a mapped page (its file was truncated) into this error.
            if (!String.valueOf(e.getMessage()).contains("unsafe memory access")) {
                throw e;
            }
            return fault(h, "bus error on a mapped section: the region's file was truncated");
        } catch (IoException e) {
            return h.truncated() ? fault(h, e.getMessage()) : Status.IO_ERROR;
        } catch (ReadOnlyBufferException e) {
            return Status.READ_ONLY;
        } catch (RuntimeException e) {
            LOG.warn("Memory session {}: request op {} on handle {} failed", number, op, handleId, e);
            return Status.INTERNAL;
        }
    }

    private Status fault(MemoryHandle h, String why) {
        broker.audit("FAULT", "handle", Long.toString(h.id()), "grant", h.grant().id(), "why", why);
        return Status.MEMORY_FAULT;
    }

    private Status flush(DiskHandle disk) {
        try {
            disk.flush();
            return Status.OK;
        } catch (IoException e) {
            return Status.IO_ERROR;
        }
    }

    /** One op on one buffer of data (a section's slice, or the stream's buffer). */
    private Status serve(int op, ByteBuffer data, DiskHandle disk, long diskOffset) throws IoException {
        switch (op) {
            case Wire.OP_SUM:
                sum = WordSum.update(sum, data);
                return Status.OK;
            case Wire.OP_WRITE:
                disk.write(diskOffset, data);
                return Status.OK;
            case Wire.OP_READ:
                disk.read(diskOffset, data);
                return Status.OK;
            default:
                return Status.BAD_OP;
        }
    }

    /**
     * The comparison peer: the same descriptors and ops, with each request's data following its
     * descriptor on the socket (read into a buffer of the session: a copy, counted).
     */
    private void runStream() throws IOException {
        ByteBuffer descriptor = ByteBuffer.allocateDirect(Wire.SIZE);
        ByteBuffer data = ByteBuffer.allocateDirect(STREAM_MAX);
        while (true) {
            Control.readFully(channel, descriptor.clear());
            int op = descriptor.getInt(Wire.OP);
            int diskIndex = descriptor.getInt(Wire.DISK);
            long length = descriptor.getLong(Wire.LENGTH);
            long diskOffset = descriptor.getLong(Wire.DISK_OFFSET);
            boolean carriesData = op == Wire.OP_SUM || op == Wire.OP_WRITE;
            if (carriesData && (length < 0 || length > STREAM_MAX)) {
                throw new IOException("stream request of " + length + " bytes (at most " + STREAM_MAX + ")");
            }
            Status status;
            result = 0;
            if (op == Wire.OP_NOP) {
                status = Status.OK;
            } else if (!carriesData) {
                status = Status.BAD_OP;
            } else {
                data.clear().limit((int) length);
                Control.readFully(channel, data);
                broker.copies().count(length);
                data.flip();
                sum = WordSum.SEED;
                if (op == Wire.OP_WRITE && (diskIndex < 0 || diskIndex >= disks.size())) {
                    status = Status.UNKNOWN_DISK;
                } else {
                    try {
                        status = serve(op, data, op == Wire.OP_WRITE ? disks.get(diskIndex) : null, diskOffset);
                    } catch (IoException e) {
                        status = Status.IO_ERROR;
                    }
                }
                if (op == Wire.OP_SUM) {
                    result = sum;
                }
            }
            descriptor.putInt(Wire.STATUS, status.ordinal());
            descriptor.putLong(Wire.RESULT, result);
            descriptor.clear();
            while (descriptor.hasRemaining()) {
                channel.write(descriptor);
            }
        }
    }

    private void cleanUp() {
        disconnect();
        handles.values().forEach(MappedHandle::close);
        handles.clear();
        for (DiskHandle d : disks) {
            d.close();
        }
        disks.clear();
        for (String r : regions) {
            try {
                broker.deleteRegion(r);
            } catch (MemoryException e) {
                LOG.debug("Memory session {}: region {} already gone", number, r);
            }
        }
        if (ringFile != null) {
            try {
                Files.deleteIfExists(ringFile);
            } catch (IOException e) {
                LOG.debug("Memory session {}: ring file", number, e);
            }
        }
    }
}
