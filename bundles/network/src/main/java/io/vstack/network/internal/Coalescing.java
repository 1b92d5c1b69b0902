package io.vstack.network.internal;

/**
 * A vNIC's notification coalescing, the {@code ethtool -C} knobs of virtio-net's
 * {@code VIRTIO_NET_F_NOTF_COAL}: the guest rings the TX doorbell after {@code txFrames} pending
 * frames or when the oldest has waited {@code txUsecs}; the host raises the RX interrupt after
 * {@code rxFrames} undelivered frames or when the first has waited {@code rxUsecs}. {@code adaptive}
 * clusters only while the vNIC carries more than {@link #ADAPTIVE_PACKETS} packets per
 * {@link #ADAPTIVE_WINDOW_MS} ms (US9213570); {@code off} notifies for every frame (the A/B baseline).
 *
 * @param rxUsecs  RX interrupt delay, µs
 * @param rxFrames RX frames per interrupt
 * @param txUsecs  TX doorbell delay, µs
 * @param txFrames TX frames per doorbell
 * @param adaptive cluster only above the adaptive rate
 * @param off      no clustering at all
 */
record Coalescing(int rxUsecs, int rxFrames, int txUsecs, int txFrames, boolean adaptive, boolean off) {

    /** Defaults: RX 64 µs / 32 frames, TX QEMU's 150 µs timer / 256 burst, not adaptive. */
    static final Coalescing DEFAULT = new Coalescing(64, 32, 150, 256, false, false);
    /** Packets per window above which adaptive mode clusters. */
    static final int ADAPTIVE_PACKETS = 120;
    /** The adaptive rate's window. */
    static final int ADAPTIVE_WINDOW_MS = 120;
    private static final int MAX_USECS = 1_000_000;
    private static final int MAX_FRAMES = 4096;

    Coalescing {
        check("rx-usecs", rxUsecs, 0, MAX_USECS);
        check("tx-usecs", txUsecs, 0, MAX_USECS);
        check("rx-frames", rxFrames, 1, MAX_FRAMES);
        check("tx-frames", txFrames, 1, MAX_FRAMES);
    }

    private static void check(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + value);
        }
    }

    /** The settings in {@code ethtool -c} words. */
    String describe() {
        return off ? "off" : "rx " + rxUsecs + " us/" + rxFrames + " frames, tx " + txUsecs + " us/" + txFrames + " frames"
                + (adaptive ? ", adaptive" : "");
    }
}
