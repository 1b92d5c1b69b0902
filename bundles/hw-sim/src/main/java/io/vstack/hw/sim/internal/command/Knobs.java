package io.vstack.hw.sim.internal.command;

import io.vstack.api.Durations;
import io.vstack.api.hw.SimulationKnobs;

/** Prints a device's simulation knobs in one cell. */
final class Knobs {

    private Knobs() {
    }

    static String describe(SimulationKnobs knobs) {
        StringBuilder s = new StringBuilder();
        if (knobs.down()) {
            s.append("DOWN ");
        }
        if (!knobs.latency().isZero()) {
            s.append("latency=").append(Durations.format(knobs.latency())).append(' ');
        }
        if (knobs.failureRate() > 0) {
            s.append("failure-rate=").append(knobs.failureRate());
        }
        return s.isEmpty() ? "off" : s.toString().trim();
    }
}
