package io.vstack.storage.shared.internal;

import io.vstack.api.storage.StorageException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;

import java.io.IOException;
import java.io.StringReader;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A client of one shared-disk server: sends {@link Rsvd} requests over one transport
 * connection, reconnecting when it breaks. Thread-safe; requests are multiplexed.
 */
final class SharedDiskClient implements AutoCloseable {

    private final Transport transport;
    private final Supplier<Endpoint> server;
    private final Duration timeout;
    private final AtomicLong requestIds = new AtomicLong();
    private TransportConnection connection;

    SharedDiskClient(Transport transport, Supplier<Endpoint> server, Duration timeout) {
        this.transport = transport;
        this.server = server;
        this.timeout = timeout;
    }

    long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    private synchronized TransportConnection connection() throws TransportException {
        if (connection == null || !connection.isOpen()) {
            connection = transport.connect(server.get());
        }
        return connection;
    }

    /** Sends a request and returns the body of its successful reply. */
    ByteBuffer call(ByteBuffer request, int operation, long requestId, String what) throws StorageException {
        try {
            ByteBuffer reply = connection().call(Rsvd.PROTOCOL, request, timeout);
            return Rsvd.body(reply, operation, requestId);
        } catch (TransportException | Rsvd.MalformedException e) {
            throw new StorageException("shared disk server: " + what + ": " + e.getMessage(), e);
        } catch (Rsvd.FailureException e) {
            throw new SharedDiskException(e.status, "shared disk server: " + what + ": " + e.getMessage());
        }
    }

    /** An open device context. */
    record Opened(long context, long capacity, int blockSize) {
    }

    Opened open(String lun, String host) throws StorageException {
        long id = nextRequestId();
        ByteBuffer request = Rsvd.request(Rsvd.OPEN_DEVICE_CONTEXT, id, 16 + Rsvd.nameBytes(host) + Rsvd.nameBytes(lun));
        Rsvd.putUuid(request, Rsvd.initiatorOf(host));
        Rsvd.putName(request, host);
        Rsvd.putName(request, lun);
        ByteBuffer body = call(request.flip(), Rsvd.OPEN_DEVICE_CONTEXT, id, "open " + lun + " for " + host);
        return new Opened(body.getLong(), body.getLong(), body.getInt());
    }

    void closeContext(long context) throws StorageException {
        long id = nextRequestId();
        call(Rsvd.request(Rsvd.CLOSE_DEVICE_CONTEXT, id, 8).putLong(context).flip(), Rsvd.CLOSE_DEVICE_CONTEXT, id,
                "close");
    }

    ScsiResult execute(long context, byte[] cdb, ByteBuffer dataOut, int dataIn, String what) throws StorageException {
        long id = nextRequestId();
        ByteBuffer body = call(Rsvd.tunnel(id, context, cdb, dataOut, dataIn), Rsvd.TUNNEL_SCSI, id, what);
        try {
            return Rsvd.tunnelResult(body);
        } catch (Rsvd.MalformedException e) {
            throw new StorageException("shared disk server: " + what + ": " + e.getMessage(), e);
        }
    }

    void createLun(String lun, long capacity) throws StorageException {
        long id = nextRequestId();
        ByteBuffer request = Rsvd.request(Rsvd.CREATE_LUN, id, Rsvd.nameBytes(lun) + 8);
        Rsvd.putName(request, lun);
        call(request.putLong(capacity).flip(), Rsvd.CREATE_LUN, id, "create " + lun);
    }

    void deleteLun(String lun) throws StorageException {
        long id = nextRequestId();
        ByteBuffer request = Rsvd.request(Rsvd.DELETE_LUN, id, Rsvd.nameBytes(lun));
        Rsvd.putName(request, lun);
        call(request.flip(), Rsvd.DELETE_LUN, id, "delete " + lun);
    }

    /** The served LUNs and their capacities, sorted by name. */
    Map<String, Long> luns() throws StorageException {
        long id = nextRequestId();
        ByteBuffer body = call(Rsvd.request(Rsvd.LIST_LUNS, id, 0).flip(), Rsvd.LIST_LUNS, id, "list LUNs");
        Map<String, Long> luns = new TreeMap<>();
        try {
            for (int i = body.getInt(); i > 0; i--) {
                luns.put(Rsvd.getName(body, "LUN name"), body.getLong());
            }
        } catch (Rsvd.MalformedException | BufferUnderflowException e) {
            throw new StorageException("shared disk server: malformed LUN list", e);
        }
        return luns;
    }

    /** The LUN's reservation state, as the server's properties text. */
    Properties reservationState(String lun) throws StorageException {
        long id = nextRequestId();
        ByteBuffer request = Rsvd.request(Rsvd.RESERVATION_STATE, id, Rsvd.nameBytes(lun));
        Rsvd.putName(request, lun);
        ByteBuffer body = call(request.flip(), Rsvd.RESERVATION_STATE, id, "reservations of " + lun);
        Properties state = new Properties();
        try {
            state.load(new StringReader(StandardCharsets.UTF_8.decode(body).toString()));
        } catch (IOException e) {
            throw new StorageException("shared disk server: malformed reservation state", e);
        }
        return state;
    }

    static UUID initiatorOf(String host) {
        return Rsvd.initiatorOf(host);
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
