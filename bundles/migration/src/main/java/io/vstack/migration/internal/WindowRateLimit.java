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
     * window's budget lasts, else until the end of the window in which what was sent is paid for.
     * Call again (with 0 bytes) after waiting. What a send took beyond its window's budget is
     * carried into the next windows (a 4 MiB batch under a 1 MB/s cap waits about 4 s), so the
     * cap holds however large a send is; an unspent budget is not carried.
     */
    long account(long bytes, long now) {
        long elapsed = (now - windowStart) / WINDOW;
        if (elapsed > 0) {
            windowStart += elapsed * WINDOW;
            windowBytes = elapsed > windowBytes / budget ? 0 : windowBytes - elapsed * budget;
        }
        windowBytes += bytes;
        return windowBytes < budget ? 0 : windowStart + (windowBytes / budget) * WINDOW - now;
    }
}
