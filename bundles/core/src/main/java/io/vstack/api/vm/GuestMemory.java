package io.vstack.api.vm;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A VM's guest memory as a migration sees it: pages of {@link VmSpec#PAGE_SIZE} bytes of real
 * off-heap memory (host page frames).
 * <p><b>Threads.</b> Any thread; nothing blocks. On an outgoing VM the pages are read while the
 * guest may write them: a torn read is harmless because every guest write marks its page dirty
 * <em>after</em> the store, so the page is harvested and sent again. On an incoming VM the
 * receiver writes the pages before the vCPUs start; no guest runs yet.
 */
@ProviderType
public interface GuestMemory {

    /** Number of pages. */
    long pages();

    /**
     * A view of page {@code pfn}: position 0, limit {@link VmSpec#PAGE_SIZE}; a new buffer object
     * each call, sharing the page's bytes. Read-only on an outgoing VM, writable on an incoming one.
     *
     * @throws IndexOutOfBoundsException if {@code pfn} is not a page of this memory
     */
    ByteBuffer page(long pfn);
}
