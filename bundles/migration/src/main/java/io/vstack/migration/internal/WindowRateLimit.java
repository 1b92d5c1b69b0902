package io.vstack.migration.internal;

/**
 * A bytes-per-second cap kept in windows of {@link ConvergenceController#BUFFER_DELAY_NANOS}
 * (100 ms, QEMU's buffer delay): a sender may spend a tenth of the per-second budget in a window,
 * then waits for the window's end. Used for {@code --max-bandwidth} (pre-copy) and
 * {@code --max-postcopy-bandwidth} (the post-copy push).
 *
 * <p>Not thread-safe: owned by one sending thread.
 */
final class WindowRateLimit {

    private static final long WINDOW = ConvergenceController.BUFFER_DELAY_NANOS;

    private final long budget;
    private long windowStart;
    private long windowBytes;

    /** A limit of {@code bytesPerSecond} (&gt; 0), its first window starting at {@code now}. */
    WindowRateLimit(long bytesPerSecond, long now) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("a rate limit must be positive: " + bytesPerSecond);
        }
        this.budget = Math.max(1, bytesPerSecond / (ConvergenceController.RATE_PERIOD_NANOS / WINDOW));
        this.windowStart = now;
    }

    /**
     * Counts {@code bytes} just sent and returns how long to wait before sending more: 0 while the
     * window's budget lasts, else the time left in the window. Call again (with 0 bytes) after
     * waiting; a window that has ended starts a new one, and what a send took beyond its window's
     * budget is not carried into the next.
     */
    long account(long bytes, long now) {
        if (now - windowStart >= WINDOW) {
            windowStart = now;
            windowBytes = 0;
        }
        windowBytes += bytes;
        return windowBytes < budget ? 0 : windowStart + WINDOW - now;
    }
}
