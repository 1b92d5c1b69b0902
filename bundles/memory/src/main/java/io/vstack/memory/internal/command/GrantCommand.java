package io.vstack.memory.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.memory.Grant;
import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.memory.MemoryRegion;
import io.vstack.api.memory.Restrictions;
import java.time.Instant;
import java.util.Optional;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code mem:grant}: grants part of a region to a grantee, on behalf of the region's owner; prints the signed token. */
@Service
@Command(scope = "mem", name = "grant", description = "Grants a byte range of a memory region with restrictions; prints the signed token")
public class GrantCommand implements Action {

    @Reference
    HandleBroker broker;

    @Option(name = "--offset", description = "Start of the range, a multiple of 4096 (default 0)")
    String offset = "0";

    @Option(name = "--length", description = "Bytes in the range, a multiple of 4096 (default: to the end of the region)")
    String length;

    @Option(name = "--read-only", description = "The grantee may only read (mapped read-only)")
    boolean readOnly;

    @Option(name = "--expires", description = "Not honoured after this long, e.g. 10m (default: never)")
    String expires;

    @Option(name = "--max-maps", description = "How many times it may be mapped (default: no limit)")
    int maxMaps;

    @Option(name = "--no-regrant", description = "The grantee may not pass on a grant of its own")
    boolean noRegrant;

    @Option(name = "--grantee", description = "Who the grant is for (default: vstack)")
    String grantee = "vstack";

    @Argument(index = 0, name = "region", description = "The region", required = true)
    @Completion(RegionCompleter.class)
    String regionId;

    @Override
    public Object execute() throws Exception {
        MemoryRegion region = broker.regions().stream().filter(r -> r.id().equals(regionId)).findFirst()
                .orElseThrow(() -> new MemoryException("no memory region " + UserText.quote(regionId)
                        + " (mem:handles lists them)"));
        long start = size("--offset", offset);
        long bytes = length == null ? region.size() - start : size("--length", length);
        if (maxMaps < 0) {
            throw new IllegalArgumentException("--max-maps must not be negative: " + maxMaps);
        }
        Optional<Instant> until = Optional.empty();
        if (expires != null) {
            try {
                until = Optional.of(Instant.now().plus(Durations.parse(expires)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--expires " + UserText.quote(expires) + ": " + e.getMessage());
            }
        }
        Grant g = broker.grant(regionId, region.owner(), grantee, start, bytes,
                new Restrictions(readOnly, until, maxMaps, noRegrant));
        System.out.println("Grant " + g.id() + " of region " + g.regionId() + " [" + g.offset() + ", +" + g.length()
                + ") to " + UserText.quote(g.grantee()) + ": " + Tables.restrictions(g.restrictions()));
        System.out.println("Token: " + g.token());
        return null;
    }

    private static long size(String option, String text) {
        try {
            return ByteSize.parse(text).bytes();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " " + UserText.quote(text) + ": " + e.getMessage());
        }
    }
}
