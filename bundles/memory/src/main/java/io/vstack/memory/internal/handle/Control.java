package io.vstack.memory.internal.handle;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Control messages on the Unix domain socket before a session turns to its ring (or its stream):
 * a 4-byte length, then that many bytes of UTF-8, words separated by spaces. Requests are
 * {@code VERB arg...}; answers {@code OK value...} or {@code ERR <one line>}.
 */
final class Control {

    static final int MAX = 16 * 1024;

    private Control() {
    }

    static void send(SocketChannel channel, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    static String receive(SocketChannel channel) throws IOException {
        ByteBuffer length = readFully(channel, ByteBuffer.allocate(4));
        int n = length.getInt(0);
        if (n < 0 || n > MAX) {
            throw new IOException("control message of " + n + " bytes (at most " + MAX + ")");
        }
        return new String(readFully(channel, ByteBuffer.allocate(n)).array(), StandardCharsets.UTF_8);
    }

    static ByteBuffer readFully(SocketChannel channel, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException("connection closed");
            }
        }
        return b;
    }
}
