package io.vstack.api.transport;

import io.vstack.api.UserText;

/**
 * Where a transport server listens: a host name or address and a TCP port.
 *
 * @param host a host name or a literal address, not blank
 * @param port 1 to 65535
 */
public record Endpoint(String host, int port) {

    /** Checks the fields. */
    public Endpoint {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("an endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not from 1 to 65535");
        }
    }

    /**
     * Parses {@code host:port} (an IPv6 literal in brackets: {@code [::1]:7450}).
     *
     * @throws IllegalArgumentException naming the text if it is not {@code host:port}
     */
    public static Endpoint parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw new IllegalArgumentException(UserText.quote(t) + " is not host:port");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(UserText.quote(t) + " is not host:port", e);
        }
        return new Endpoint(host, port);
    }

    /** {@code host:port}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
