package io.vstack.api.net;

/**
 * IPv4 addresses as users type them: four decimal octets 0–255 separated by dots, without
 * leading zeros ({@code 10.0.0.5}). The simulated networks carry IPv4 only.
 */
public final class Ipv4 {

    private Ipv4() {
    }

    /** Whether {@code text} is an IPv4 address in dotted-quad form. */
    public static boolean isValid(String text) {
        if (text == null || text.length() > 15) {
            return false;
        }
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')
                    || octet.length() > 1 && octet.charAt(0) == '0' || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns {@code text} if it is an IPv4 address.
     *
     * @param what what the address is, for the message (e.g. {@code "source address"})
     * @throws IllegalArgumentException naming {@code what} and showing at most 40 characters of the text
     */
    public static String require(String what, String text) {
        if (!isValid(text)) {
            String shown = text == null ? "null" : text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw new IllegalArgumentException(what + " '" + shown.replaceAll("\\p{Cntrl}", "?")
                    + "' is not an IPv4 address (four numbers 0-255 separated by dots, e.g. 10.0.0.5)");
        }
        return text;
    }
}
