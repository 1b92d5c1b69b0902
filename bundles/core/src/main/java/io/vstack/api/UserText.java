package io.vstack.api;

import java.util.Locale;

/**
 * How a one-line message shows text a user typed (a name, a path, an address): quoted, at most
 * {@value #MAX_SHOWN} characters (a longer text is cut and its length given), and every control or
 * format character (a newline, a terminal escape, a NUL, a bidi override) shown as a Java-style
 * escape of its code, so that a message stays one readable line whatever the input.
 */
public final class UserText {

    /** The most characters of a text a message shows. */
    public static final int MAX_SHOWN = 64;

    private UserText() {
    }

    /** {@code text} quoted for a message, e.g. {@code 'disk1'} or {@code 'aaaa...' (10000 characters)}; null as {@code null}. */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder shown = new StringBuilder(Math.min(text.length(), MAX_SHOWN) + 24).append('\'');
        int end = Math.min(text.length(), MAX_SHOWN);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                shown.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                shown.append(c);
            }
        }
        shown.append(text.length() > MAX_SHOWN ? "...' (" + text.length() + " characters)" : "'");
        return shown.toString();
    }
}
