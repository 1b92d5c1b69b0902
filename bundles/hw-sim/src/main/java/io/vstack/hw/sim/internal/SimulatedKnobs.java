package io.vstack.hw.sim.internal;

import io.vstack.api.Durations;
import io.vstack.api.hw.DeviceFaultException;
import io.vstack.api.hw.SimulationKnobs;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The latency and fault knobs of one simulated device. */
final class SimulatedKnobs implements SimulationKnobs {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedKnobs.class);

    private final String device;
    private final SplittableRandom random;
    private volatile long latencyNanos;
    private volatile double failureRate;
    private volatile boolean down;

    SimulatedKnobs(String device, long seed, Duration latency, double failureRate) {
        this.device = device;
        this.random = new SplittableRandom(seed);
        this.latencyNanos = latency.toNanos();
        this.failureRate = failureRate;
    }

    @Override
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    @Override
    public void setLatency(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        latencyNanos = latency.toNanos();
        LOG.info("simulation: {} latency set to {}", device, Durations.format(latency));
    }

    @Override
    public double failureRate() {
        return failureRate;
    }

    @Override
    public void setFailureRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("failure rate must be from 0 to 1: " + rate);
        }
        failureRate = rate;
        LOG.info("simulation: {} failure rate set to {}", device, rate);
    }

    @Override
    public boolean down() {
        return down;
    }

    @Override
    public void setDown(boolean down) {
        this.down = down;
        LOG.info("simulation: {} is {}", device, down ? "down" : "up");
    }

    @Override
    public void beforeOperation(String operation) throws DeviceFaultException {
        long latency = latencyNanos;
        if (latency > 0) {
            long deadline = System.nanoTime() + latency;
            for (long left = latency; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        if (down) {
            throw new DeviceFaultException(device + ": " + operation + " failed: device is down (simulated)");
        }
        double rate = failureRate;
        if (rate > 0 && draw() < rate) {
            throw new DeviceFaultException(device + ": " + operation + " failed: injected fault (simulated, rate " + rate + ")");
        }
    }

    private synchronized double draw() {
        return random.nextDouble();
    }
}
