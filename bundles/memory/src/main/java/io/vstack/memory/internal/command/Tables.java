package io.vstack.memory.internal.command;

import io.vstack.api.memory.Restrictions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Text the memory commands share. */
final class Tables {

    private Tables() {
    }

    /** Restrictions as words: {@code read-only, expires <time>, max-maps N, no-regrant}, or {@code none}. */
    static String restrictions(Restrictions r) {
        List<String> words = new ArrayList<>();
        if (r.readOnly()) {
            words.add("read-only");
        }
        r.expiresAt().map(Instant::toString).ifPresent(t -> words.add("expires " + t));
        if (r.maxMaps() > 0) {
            words.add("max-maps " + r.maxMaps());
        }
        if (r.noRegrant()) {
            words.add("no-regrant");
        }
        return words.isEmpty() ? "none" : String.join(", ", words);
    }
}
