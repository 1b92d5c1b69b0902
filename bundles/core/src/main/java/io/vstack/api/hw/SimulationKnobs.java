package io.vstack.api.hw;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The simulation controls of one simulated device: added latency, a seeded random failure rate,
 * and a down switch. All are off by default; every change is logged as a simulation action.
 * <p>Thread-safe. Changes apply to operations that start after them.
 */
@ProviderType
public interface SimulationKnobs {

    /** The latency added to each operation; zero when off. */
    Duration latency();

    /**
     * Sets the latency added to each operation.
     *
     * @throws IllegalArgumentException if negative
     */
    void setLatency(Duration latency);

    /** The probability, from 0 to 1, that an operation fails. */
    double failureRate();

    /**
     * Sets the failure probability; draws come from a generator seeded by the host configuration,
     * so a run can be repeated.
     *
     * @throws IllegalArgumentException if outside [0, 1]
     */
    void setFailureRate(double rate);

    /** Whether the device is held down: every operation fails. */
    boolean down();

    /** Holds the device down, or brings it back. */
    void setDown(boolean down);

    /**
     * Applies the knobs to one operation, on the caller's thread: waits the configured latency
     * (blocking), then fails if the device is down or the failure draw says so.
     *
     * @param operation what the caller is about to do, for the error message
     * @throws DeviceFaultException if the simulation fails this operation
     */
    void beforeOperation(String operation) throws DeviceFaultException;
}
