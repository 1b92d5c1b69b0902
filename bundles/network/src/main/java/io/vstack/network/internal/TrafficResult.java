package io.vstack.network.internal;

/**
 * What a {@code net:traffic} run measured.
 *
 * @param sent                 frames queued by the sender
 * @param received             frames the receiver took, in order and none twice
 * @param lost                 sent but not received within a second of the end
 * @param outOfOrder           frames received out of sequence or twice (should be 0)
 * @param packetsPerSecond     received frames per second of the run
 * @param doorbellsPerPacket   TX doorbells per sent frame
 * @param interruptsPerPacket  RX interrupts per received frame
 * @param p50Micros            median latency, send to guest receive
 * @param p99Micros            99th percentile latency
 */
public record TrafficResult(long sent, long received, long lost, long outOfOrder, double packetsPerSecond, double doorbellsPerPacket,
                            double interruptsPerPacket, double p50Micros, double p99Micros) {

    /** Notifications (doorbells + interrupts) per packet. */
    public double notificationsPerPacket() {
        return doorbellsPerPacket + interruptsPerPacket;
    }
}
