package io.vstack.api.net;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One network interface of a VM.
 *
 * @param eniId     the elastic network interface the datacenter controller knows it by
 * @param mac       its MAC address
 * @param network   the network it is on; the network's configuration names its programmer
 * @param addresses its IP addresses
 */
public record VmInterface(String eniId, String mac, String network, List<String> addresses) {

    /**
     * @throws NullPointerException if a field is null
     * @throws IllegalArgumentException if an address is not IPv4 ({@link Ipv4}) or is given twice
     */
    public VmInterface {
        Objects.requireNonNull(eniId, "eniId");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(network, "network");
        addresses = List.copyOf(addresses);
        for (String address : addresses) {
            Ipv4.require("address of interface " + eniId, address);
        }
        if (Set.copyOf(addresses).size() != addresses.size()) {
            throw new IllegalArgumentException("interface " + eniId + " lists an address twice: " + addresses);
        }
    }
}
