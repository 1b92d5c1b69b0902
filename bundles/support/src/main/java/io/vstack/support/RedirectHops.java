package io.vstack.support;

import io.vstack.api.filter.LinkedStorage;
import io.vstack.api.io.RedirectLoopException;
import io.vstack.api.transport.Endpoint;
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
