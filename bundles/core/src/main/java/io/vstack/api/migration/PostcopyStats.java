package io.vstack.api.migration;

import java.util.Objects;

/**
 * Post-copy figures of one migration (all zero / -1 for a pre-copy migration).
 *
 * @param switchedAfterNanos  time from the migration's start to the switch to post-copy (the VM started
 *                            at the destination); -1 if it never switched
 * @param switchReason        why it switched ("postcopy mode", "not converging: ...", "iteration cap"); empty if not
 * @param precopyIterations   dirty syncs done in pre-copy before the switch
 * @param faults              page faults at the destination (vCPU touched a missing page and sent a request)
 * @param faultP50Nanos       median fault latency (request sent to page in place), -1 if not known yet
 * @param faultP99Nanos       99th percentile fault latency, -1 if not known yet
 * @param faultMaxNanos       largest fault latency, -1 if not known yet
 * @param pagesRequested      pages the source sent because the destination asked for them (also a page the
 *                            push had sent already but that may still be on its way: the first copy wins)
 * @param pagesPushed         pages the source sent by its background push in post-copy
 * @param recoveries          reconnections after a broken connection in post-copy
 */
public record PostcopyStats(long switchedAfterNanos, String switchReason, long precopyIterations, long faults,
                            long faultP50Nanos, long faultP99Nanos, long faultMaxNanos, long pagesRequested,
                            long pagesPushed, int recoveries) {

    /** A migration that did not switch to post-copy. */
    public static final PostcopyStats NONE = new PostcopyStats(-1, "", 0, 0, -1, -1, -1, 0, 0, 0);

    /**
     * @throws NullPointerException if switchReason is null
     */
    public PostcopyStats {
        Objects.requireNonNull(switchReason, "switchReason");
    }

    /** Whether the migration switched to post-copy. */
    public boolean switched() {
        return switchedAfterNanos >= 0;
    }
}
