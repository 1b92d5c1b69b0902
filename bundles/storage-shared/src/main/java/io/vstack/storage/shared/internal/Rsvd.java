package io.vstack.storage.shared.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The shared-disk protocol's messages, modelled on MS-RSVD (the Remote Shared Virtual Disk
 * protocol): a client opens a device context naming its initiator id and host, then tunnels
 * SCSI commands (CDB bytes in SPC layout, data out, expected data in) on that context. Each
 * message carries the MS-RSVD tunnel header {operation code, status, request id}; the transport
 * frames, checksums and multiplexes them (protocol {@value #PROTOCOL} of the vstack transport).
 * <p>Requests: {@code u32 operation, u32 status (0), u64 requestId, body}. Replies: the same
 * header with the request's operation and id and a status; a status other than
 * {@link #SUCCESS} is followed by a one-line message.
 */
final class Rsvd {

    /** The transport protocol name the disk server answers. */
    static final String PROTOCOL = "vstack.rsvd";

    // Operation codes.
    static final int OPEN_DEVICE_CONTEXT = 0x01;
    static final int TUNNEL_SCSI = 0x02;
    static final int CLOSE_DEVICE_CONTEXT = 0x03;
    static final int CREATE_LUN = 0x10;
    static final int DELETE_LUN = 0x11;
    static final int LIST_LUNS = 0x12;
    static final int RESERVATION_STATE = 0x13;

    // Reply statuses.
    static final int SUCCESS = 0;
    static final int INVALID_PARAMETER = 1;
    static final int NO_SUCH_CONTEXT = 2;
    static final int NO_SUCH_LUN = 3;
    static final int LUN_EXISTS = 4;
    static final int STORAGE_ERROR = 5;
    static final int INVALID_INITIATOR = 6;
    static final int UNKNOWN_OPERATION = 7;

    static final int HEADER_BYTES = 16;
    static final int MAX_NAME_BYTES = 255;
    static final int MAX_CDB_BYTES = 32;
    static final int MAX_DATA_BYTES = ScsiTarget.MAX_TRANSFER_BLOCKS * ScsiTarget.BLOCK_SIZE;

    private Rsvd() {
    }

    /** A request or reply that breaks the message layout. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** A reply whose status is not {@link #SUCCESS}. */
    static final class FailureException extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        FailureException(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static ByteBuffer request(int operation, long requestId, int bodyBytes) {
        return ByteBuffer.allocate(HEADER_BYTES + bodyBytes).putInt(operation).putInt(0).putLong(requestId);
    }

    /** A reply has a request's header layout, with status {@link #SUCCESS}. */
    static ByteBuffer reply(int operation, long requestId, int bodyBytes) {
        return request(operation, requestId, bodyBytes);
    }

    static ByteBuffer failure(int operation, long requestId, int status, String message) {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 1024);
        return ByteBuffer.allocate(HEADER_BYTES + 2 + length).putInt(operation).putInt(status).putLong(requestId)
                .putShort((short) length).put(text, 0, length).flip();
    }

    /**
     * Reads a reply's header: checks that it answers {@code operation} and {@code requestId} and
     * that it succeeded, leaving the buffer at the body.
     */
    static ByteBuffer body(ByteBuffer reply, int operation, long requestId) throws MalformedException, FailureException {
        try {
            int op = reply.getInt();
            int status = reply.getInt();
            long id = reply.getLong();
            if (op != operation || id != requestId) {
                throw new MalformedException("reply to operation " + op + " request " + id + " for operation "
                        + operation + " request " + requestId);
            }
            if (status != SUCCESS) {
                int length = Short.toUnsignedInt(reply.getShort());
                byte[] text = new byte[length];
                reply.get(text);
                throw new FailureException(status, new String(text, StandardCharsets.UTF_8));
            }
            return reply;
        } catch (BufferUnderflowException e) {
            throw new MalformedException("reply of " + reply.limit() + " bytes is cut short");
        }
    }

    static void putName(ByteBuffer buffer, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        buffer.putShort((short) bytes.length).put(bytes);
    }

    static int nameBytes(String name) {
        return 2 + name.getBytes(StandardCharsets.UTF_8).length;
    }

    static String getName(ByteBuffer buffer, String what) throws MalformedException {
        int length = Short.toUnsignedInt(buffer.getShort());
        if (length == 0 || length > MAX_NAME_BYTES || length > buffer.remaining()) {
            throw new MalformedException(what + " of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void putUuid(ByteBuffer buffer, UUID id) {
        buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    static UUID getUuid(ByteBuffer buffer) {
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    /** The initiator id of a host: the same host always gets the same id, and it is never zero. */
    static UUID initiatorOf(String host) {
        return UUID.nameUUIDFromBytes(("vstack initiator " + host).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A TUNNEL_SCSI request body (MS-RSVD 2.2.4.12's SCSI request, reduced): {@code u64 context,
     * u8 cdbLength, u8 senseInfoLength, u32 dataInLength, u32 dataOutLength, cdb, dataOut}.
     */
    static ByteBuffer tunnel(long requestId, long context, byte[] cdb, ByteBuffer dataOut, int dataInLength) {
        int out = dataOut == null ? 0 : dataOut.remaining();
        ByteBuffer request = request(TUNNEL_SCSI, requestId, 18 + cdb.length + out);
        request.putLong(context).put((byte) cdb.length).put((byte) 18).putInt(dataInLength).putInt(out).put(cdb);
        if (dataOut != null) {
            request.put(dataOut.duplicate());
        }
        return request.flip();
    }

    /** A TUNNEL_SCSI reply body: {@code u8 scsiStatus, u8 senseLength, u32 dataInLength, sense, dataIn}. */
    static ByteBuffer tunnelReply(long requestId, ScsiResult result) {
        ByteBuffer data = result.dataIn().duplicate();
        ByteBuffer reply = reply(TUNNEL_SCSI, requestId, 6 + result.sense().length + data.remaining());
        reply.put((byte) result.status()).put((byte) result.sense().length).putInt(data.remaining())
                .put(result.sense()).put(data);
        return reply.flip();
    }

    /** Reads a TUNNEL_SCSI reply body into a result whose data-in is a slice of the reply. */
    static ScsiResult tunnelResult(ByteBuffer body) throws MalformedException {
        try {
            int status = Byte.toUnsignedInt(body.get());
            int senseLength = Byte.toUnsignedInt(body.get());
            int dataLength = body.getInt();
            if (dataLength < 0 || senseLength + (long) dataLength != body.remaining()) {
                throw new MalformedException("SCSI reply with " + senseLength + " sense and " + dataLength
                        + " data bytes in " + body.remaining());
            }
            byte[] sense = new byte[senseLength];
            body.get(sense);
            return new ScsiResult(status, sense, body.slice());
        } catch (BufferUnderflowException e) {
            throw new MalformedException("SCSI reply cut short");
        }
    }
}
