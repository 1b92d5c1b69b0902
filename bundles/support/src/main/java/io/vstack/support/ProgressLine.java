package io.vstack.support;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * A command's progress line: rewritten in place ({@code \r}) at most once a second while long
 * work runs, then ended with a newline so that the result starts on a line of its own.
 * <p>Thread-safe: the work may report from any thread.
 */
public final class ProgressLine {

    private static final long PERIOD_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastPrinted = start;
    private boolean printed;

    /**
     * @param out     where the line goes
     * @param enabled false for {@code --quiet} or machine-readable output: then nothing is printed
     */
    public ProgressLine(PrintStream out, boolean enabled) {
        this.out = out;
        this.enabled = enabled;
    }

    /** Prints {@code text} (made only when it is printed) if a second has passed since the last line. */
    public synchronized void update(Supplier<String> text) {
        long now = System.nanoTime();
        if (!enabled || now - lastPrinted < PERIOD_NANOS) {
            return;
        }
        lastPrinted = now;
        out.print(String.format(java.util.Locale.ROOT, "\r%6.1fs  %s   ", (now - start) / 1e9, text.get()));
        out.flush();
        printed = true;
    }

    /** Ends the line if one was printed. */
    public synchronized void end() {
        if (printed) {
            out.println();
            printed = false;
        }
    }
}
