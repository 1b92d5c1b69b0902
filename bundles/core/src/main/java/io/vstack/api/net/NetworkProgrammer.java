package io.vstack.api.net;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reprograms the network when a VM moves, so that its traffic reaches it at the destination.
 * Registered as a service with {@link #NAME_PROPERTY}; each network's configuration names the
 * programmer that applies to it.
 * <p>The migration calls, for one {@link MobilityEvent}: {@link #prepare} while the VM still runs
 * at the source, {@link #reprogram} after it is stunned and before it resumes at the destination
 * (this is inside the downtime: be quick), then {@link #complete} once it runs there. If the
 * migration fails at any point after {@code prepare} was called, {@link #rollback} is called
 * instead of the remaining steps.
 * <p><b>Threads.</b> Called on the migration's thread; calls for one event never overlap.
 * Methods may block on the (simulated) controller.
 */
@ConsumerType
public interface NetworkProgrammer {

    /** Service property holding the programmer's name, such as {@code eni-move} or {@code whitelist}. */
    String NAME_PROPERTY = "vstack.net.programmer";

    /** The programmer's name. */
    String name();

    /** Stages what can be staged before the switchover; changes nothing the VM's traffic depends on yet. */
    default void prepare(MobilityEvent event) throws NetworkProgrammingException {
    }

    /** Moves the VM's network presence to the destination host. */
    void reprogram(MobilityEvent event) throws NetworkProgrammingException;

    /** Cleans up at the source after the VM runs at the destination. */
    default void complete(MobilityEvent event) throws NetworkProgrammingException {
    }

    /**
     * Undoes whatever {@link #prepare} and {@link #reprogram} did for this event, so that nothing
     * stale stays attached or allowed. Idempotent; safe whatever step failed.
     */
    void rollback(MobilityEvent event);

    /**
     * What this programmer measured of the move of {@code event}'s VM, by name, such as
     * {@code lastDeliveredBeforeNanos} ({@link System#nanoTime()} values or durations in
     * nanoseconds); they go into the migration's metrics document. Called once on the migration's
     * thread after {@link #complete} or {@link #rollback}; may wait briefly (at most 200 ms) for
     * traffic to resume. Default: nothing measured.
     */
    default Map<String, Long> figures(MobilityEvent event) {
        return Map.of();
    }
}
