package io.vstack.migration.internal;

/**
 * When a hybrid migration gives up pre-copy for post-copy: at a dirty sync, the iteration is
 * "not converging" when the guest dirtied at least {@value #DIRTY_SHARE_PERCENT}% as many pages
 * as were sent since the previous sync, or the pending count did not fall; after
 * {@value #STRIKES} such syncs in a row it switches (QEMU switches when the user says
 * {@code migrate-start-postcopy}; this is the reference design's automatic rule). The iteration cap,
 * if any, also switches instead of forcing a stop-and-copy. Pure: a function of the counters.
 */
final class HybridPolicy {

    static final int DIRTY_SHARE_PERCENT = 90;
    static final int STRIKES = 2;

    private long lastPending = Long.MAX_VALUE;
    private int strikes;
    private String reason = "";

    /**
     * One dirty sync.
     *
     * @param dirtyPages pages the harvest found dirty
     * @param sentPages  pages sent since the previous sync
     * @param pending    pages pending after the harvest
     * @return whether to switch to post-copy now
     */
    boolean onSync(long dirtyPages, long sentPages, long pending) {
        boolean dirtyOutruns = dirtyPages * 100 >= sentPages * DIRTY_SHARE_PERCENT;
        boolean notFalling = pending >= lastPending;
        lastPending = pending;
        if (dirtyOutruns || notFalling) {
            strikes++;
            reason = "not converging: " + dirtyPages + " pages dirtied vs " + sentPages + " sent, " + pending + " pending"
                    + " (" + strikes + " syncs in a row)";
        } else {
            strikes = 0;
        }
        return strikes >= STRIKES;
    }

    /** Why it switched (the last non-converging sync). */
    String reason() {
        return reason;
    }
}
