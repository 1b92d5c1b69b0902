package io.vstack.support;

import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.transport.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * The hop rule of linked storage ({@link LinkedStorage}), shared by the filter framework (bundle
 * {@code disks}) and the testkit's in-memory links: a request's hops are the disks it passed, as
 * {@code endpoint/disk}; a disk met twice is a loop and more than {@link LinkedStorage#MAX_HOPS}
 * hops are refused.
 */
public final class RedirectHops {

    private RedirectHops() {
    }

    /** The hop name of disk {@code disk} of the framework instance served at {@code endpoint}. */
    public static String node(Endpoint endpoint, String disk) {
        return endpoint + "/" + disk;
    }

    /**
     * The hops of a request that leaves {@code here} for {@code there}: the hops it took so far
     * ({@code sofar}, empty for a request of this process's own caller), then {@code here} unless
     * it is the last already (a request served here that a filter redirects on).
     *
     * @throws RedirectLoopException as {@link #check} does
     */
    public static List<String> leaving(List<String> sofar, String here, String there) throws RedirectLoopException {
        List<String> hops = new ArrayList<>(sofar);
        if (hops.isEmpty() || !hops.get(hops.size() - 1).equals(here)) {
            hops.add(here);
        }
        check(hops, there);
        return hops;
    }

    /** The failure of a redirect from disk {@code diskId} in a process whose transport is not serving. */
    public static DiskUnavailableException notServing(String diskId, Endpoint target, String targetDisk) {
        return new DiskUnavailableException("disk " + diskId + ": cannot redirect to " + target + "/" + targetDisk
                + ": this process's transport is not serving (feature vstack-transport, PID io.vstack.transport)");
    }

    /**
     * Checks that a request that passed {@code hops} may go on to {@code there}.
     *
     * @throws RedirectLoopException naming the hops, if {@code there} was passed already or the
     *         request would take more than {@link LinkedStorage#MAX_HOPS} hops
     */
    public static void check(List<String> hops, String there) throws RedirectLoopException {
        if (hops.contains(there)) {
            throw new RedirectLoopException("redirect loop: " + String.join(" -> ", hops) + " -> " + there
                    + " visits " + there + " twice; the request failed");
        }
        if (hops.size() > LinkedStorage.MAX_HOPS) {
            throw new RedirectLoopException("redirect refused: " + String.join(" -> ", hops) + " -> " + there + " would be "
                    + hops.size() + " hops, more than " + LinkedStorage.MAX_HOPS + "; the request failed");
        }
    }
}
