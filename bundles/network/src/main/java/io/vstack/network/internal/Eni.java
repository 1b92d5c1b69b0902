package io.vstack.network.internal;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of an elastic network interface.
 *
 * @param id           the ENI's id
 * @param network      the network (subnet) it is on
 * @param privateIps   the addresses assigned to it (its allow-list)
 * @param attachedHost where it is attached, if it is
 * @param instance     what it is attached to: a VM id, or the host itself for a host ENI
 * @param attachmentId the attachment's id, if attached
 * @param generation   bumped on every change of this ENI
 */
public record Eni(String id, String network, List<String> privateIps, Optional<String> attachedHost, Optional<String> instance,
                  Optional<String> attachmentId, long generation) {
}
