package io.vstack.api.io;

import java.nio.ByteBuffer;
import java.util.Objects;

/** An immutable {@link IoRequest}, made by {@link IoRequest#of}. */
record SimpleIoRequest(IoOp op, String diskId, long offset, long length, ByteBuffer buffer, String origin)
        implements IoRequest {

    SimpleIoRequest {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(diskId, "diskId");
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(origin, "origin");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + offset + ", " + length);
        }
    }
}
