package io.vstack.disks.internal.content;

import io.vstack.api.UserText;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * File names on a FAT volume: which long names FAT can hold, the 8.3 short name (alias) of a long
 * name after the basis-name algorithm of Microsoft's FAT specification (upper case, invalid
 * characters as {@code _}, leading dots and embedded spaces dropped, a numeric tail {@code ~n}
 * when the name was changed or does not fit), the VFAT long-name entries and their checksum.
 * Short names are ASCII only (no code page is assumed).
 */
final class FatNames {

    /** The longest long name, in UTF-16 units. */
    static final int MAX_LONG = 255;
    /** Characters of a long name per long-name entry. */
    static final int LFN_CHARS = 13;
    /** Characters a short name may hold besides letters and digits. */
    private static final String SHORT_SPECIALS = "$%'-_@~`!(){}^#&";
    /** Characters no FAT name may hold. */
    private static final String FORBIDDEN = "\"*/:<>?\\|";

    private FatNames() {
    }

    /**
     * Refuses a name FAT cannot hold: empty, {@code .} or {@code ..}, a control character or one of
     * {@code " * / : < > ? \ |}, a trailing dot or space, more than 255 UTF-16 units.
     *
     * @param path the app file's path, for the message
     * @throws IllegalArgumentException naming the path and the reason
     */
    static void requireValid(String name, String path) {
        String reason = null;
        if (name.isEmpty() || name.equals(".") || name.equals("..")) {
            reason = "an empty, '.' or '..' name";
        } else if (name.length() > MAX_LONG) {
            reason = "the name has " + name.length() + " characters, more than FAT's " + MAX_LONG;
        } else if (name.endsWith(".") || name.endsWith(" ")) {
            reason = "the name ends with a dot or a space";
        } else {
            for (int i = 0; i < name.length() && reason == null; i++) {
                char c = name.charAt(i);
                if (c < 0x20 || c == 0x7f) {
                    reason = "the name holds a control character";
                } else if (FORBIDDEN.indexOf(c) >= 0) {
                    reason = "the name holds '" + c + "', which FAT forbids";
                }
            }
        }
        if (reason != null) {
            throw new IllegalArgumentException("app file " + UserText.quote(path) + ": FAT cannot hold the name: " + reason);
        }
    }

    /** One name in a directory: its 11-byte short name, its case flags, and whether it needs long-name entries. */
    record Short(byte[] name, int caseFlags, boolean needsLong) {
    }

    /**
     * The short name if {@code name} is a plain 8.3 name (each part in one case): no long-name
     * entries needed, lower case kept by the flags {@code 0x08} (base) and {@code 0x10} (extension)
     * as Windows NT and Linux do. Null otherwise.
     */
    static Short exact(String name) {
        int dot = name.lastIndexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || (dot >= 0 && ext.isEmpty())) {
            return null;
        }
        int baseCase = caseOf(base);
        int extCase = caseOf(ext);
        if (baseCase < 0 || extCase < 0) {
            return null;
        }
        int flags = (baseCase == 2 ? 0x08 : 0) | (extCase == 2 ? 0x10 : 0);
        return new Short(pack(base.toUpperCase(Locale.ROOT), ext.toUpperCase(Locale.ROOT)), flags, false);
    }

    /** 0: no letters, 1: upper case, 2: lower case, -1: mixed or a character a short name cannot hold. */
    private static int caseOf(String part) {
        boolean upper = false;
        boolean lower = false;
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (!(c >= '0' && c <= '9') && SHORT_SPECIALS.indexOf(c) < 0) {
                return -1;
            }
        }
        if (upper && lower) {
            return -1;
        }
        return lower ? 2 : upper ? 1 : 0;
    }

    /**
     * The alias of a long name that is not a plain 8.3 name: the basis name, with a numeric tail
     * when the name was changed or does not fit, unique among {@code taken} (which it joins).
     * {@code nextTail} remembers, per basis, the tail to try first, so that many names with one
     * basis cost O(1) each rather than a scan from {@code ~1}.
     */
    static Short alias(String name, Set<String> taken, Map<String, Integer> nextTail) {
        String upper = name.toUpperCase(Locale.ROOT);
        boolean lossy = false;
        StringBuilder clean = new StringBuilder(upper.length());
        for (int i = 0; i < upper.length(); i++) {
            char c = upper.charAt(i);
            if (c == ' ') {
                continue;
            }
            if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SHORT_SPECIALS.indexOf(c) >= 0 || c == '.') {
                clean.append(c);
            } else {
                clean.append('_');
                lossy = true;
                if (Character.isHighSurrogate(c)) {
                    i++;
                }
            }
        }
        int lead = 0;
        while (lead < clean.length() && clean.charAt(lead) == '.') {
            lead++;
        }
        String stripped = clean.substring(lead);
        int dot = stripped.lastIndexOf('.');
        String base = (dot < 0 ? stripped : stripped.substring(0, dot)).replace(".", "");
        String ext = dot < 0 ? "" : stripped.substring(dot + 1);
        if (base.isEmpty()) {
            base = "_";
            lossy = true;
        }
        boolean fits = base.length() <= 8 && ext.length() <= 3 && lead == 0
                && upper.replace(" ", "").length() == upper.length() && stripped.indexOf('.') == dot;
        if (ext.length() > 3) {
            ext = ext.substring(0, 3);
        }
        if (!lossy && fits) {
            String candidate = key(base, ext);
            if (taken.add(candidate)) {
                return new Short(pack(base, ext), 0, true);
            }
        }
        // The hint is kept per the first six characters (what a one-digit tail keeps): names that
        // differ only further on share the aliases' space, and must not each start at ~1.
        String basisKey = key(base.length() > 6 ? base.substring(0, 6) : base, ext);
        int n = nextTail.getOrDefault(basisKey, 1);
        for (; n <= 999_999; n++) {
            String tail = "~" + n;
            String b = base.length() + tail.length() > 8 ? base.substring(0, 8 - tail.length()) : base;
            String candidate = key(b + tail, ext);
            if (taken.add(candidate)) {
                nextTail.put(basisKey, n + 1);
                return new Short(pack(b + tail, ext), 0, true);
            }
        }
        throw new IllegalArgumentException("app file " + UserText.quote(name) + ": no free 8.3 alias left for its basis name " + base);
    }

    /** The short name as a set key: base and extension, as a directory listing shows them. */
    static String key(String base, String ext) {
        return ext.isEmpty() ? base : base + "." + ext;
    }

    /** The key of an 11-byte short name. */
    static String key(byte[] name) {
        String base = new String(name, 0, 8, StandardCharsets.US_ASCII).stripTrailing();
        String ext = new String(name, 8, 3, StandardCharsets.US_ASCII).stripTrailing();
        return key(base, ext);
    }

    private static byte[] pack(String base, String ext) {
        byte[] out = new byte[11];
        java.util.Arrays.fill(out, (byte) ' ');
        for (int i = 0; i < base.length(); i++) {
            out[i] = (byte) base.charAt(i);
        }
        for (int i = 0; i < ext.length(); i++) {
            out[8 + i] = (byte) ext.charAt(i);
        }
        return out;
    }

    /** The checksum of an 11-byte short name that its long-name entries carry (FAT specification, ChkSum). */
    static int checksum(byte[] shortName) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + ((sum & 0xff) >>> 1) + (shortName[i] & 0xff)) & 0xff;
        }
        return sum;
    }

    /** How many long-name entries a name takes. */
    static int longEntries(String name) {
        return (name.length() + LFN_CHARS - 1) / LFN_CHARS;
    }

    /** Offsets in a long-name entry of its 13 UTF-16 units. */
    private static final int[] LFN_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    /**
     * Writes the long-name entries of {@code name} at {@code at} in {@code dir}, in on-disk order
     * (the last part first, flagged 0x40), each carrying {@code checksum}; returns the offset after them.
     */
    static int writeLong(byte[] dir, int at, String name, int checksum) {
        int count = longEntries(name);
        for (int seq = count; seq >= 1; seq--) {
            int e = at + (count - seq) * 32;
            dir[e] = (byte) (seq | (seq == count ? 0x40 : 0));
            dir[e + 11] = 0x0f;
            dir[e + 12] = 0;
            dir[e + 13] = (byte) checksum;
            int first = (seq - 1) * LFN_CHARS;
            for (int k = 0; k < LFN_CHARS; k++) {
                int idx = first + k;
                int unit = idx < name.length() ? name.charAt(idx) : idx == name.length() ? 0 : 0xffff;
                dir[e + LFN_OFFSETS[k]] = (byte) unit;
                dir[e + LFN_OFFSETS[k] + 1] = (byte) (unit >>> 8);
            }
            // First cluster (bytes 26..27) stays 0.
        }
        return at + count * 32;
    }
}
