package io.vstack.network.internal;

/**
 * A vNIC's counters (what {@code net:vnic-list} shows).
 *
 * @param sent       frames the guest queued
 * @param received   frames the guest took off its RX ring
 * @param doorbells  TX doorbells rung
 * @param interrupts RX interrupts raised
 * @param rxFull     times the host found the RX ring full and held the frame on the sender's TX ring
 * @param txQueued   frames on the TX ring now
 * @param rxQueued   frames on the RX ring now
 */
public record VnicStats(long sent, long received, long doorbells, long interrupts, long rxFull, int txQueued, int rxQueued) {
}
