package io.vstack.api.vm;

/**
 * Told when a vCPU of a post-copy destination VM touches a page that has not arrived yet
 * ({@link IncomingVm#expectPages}). Implemented by the migration mechanism.
 * <p><b>Threads.</b> Called on the faulting vCPU's thread, once per missing page (the first vCPU to
 * touch it); that vCPU, and any other touching the page, then waits until
 * {@link IncomingVm#placePage} puts the page in place. It may block briefly (to send a request);
 * it must not throw — a request that cannot be sent now is the caller's to resend later.
 */
@FunctionalInterface
public interface PageFaultHandler {

    /** A vCPU needs page {@code pfn}. */
    void pageFault(long pfn);
}
