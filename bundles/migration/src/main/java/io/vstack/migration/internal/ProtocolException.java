package io.vstack.migration.internal;

import java.io.IOException;

/** The peer broke the migration protocol (version, magic, CRC, sequence, unexpected frame). */
final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }
}
