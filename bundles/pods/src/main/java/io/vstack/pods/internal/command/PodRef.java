package io.vstack.pods.internal.command;

import io.vstack.api.UserText;

/** A pod named on the command line: {@code namespace/name}, or {@code name} in namespace {@code default}. */
record PodRef(String namespace, String name) {

    static PodRef parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return new PodRef("default", text);
        }
        if (slash == 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("pod " + UserText.quote(text) + " must be name or namespace/name");
        }
        return new PodRef(text.substring(0, slash), text.substring(slash + 1));
    }
}
