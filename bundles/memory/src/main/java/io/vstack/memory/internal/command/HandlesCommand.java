package io.vstack.memory.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.memory.GrantStatus;
import io.vstack.api.memory.HandleBroker;
import io.vstack.api.memory.HandleInfo;
import io.vstack.api.memory.MemoryRegion;
import java.io.PrintStream;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code mem:handles}: regions, grants and mapped handles of the broker, and the bytes it copied. */
@Service
@Command(scope = "mem", name = "handles", description = "Lists memory regions, grants and mapped handles (sections mapped of all)")
public class HandlesCommand implements Action {

    @Reference
    HandleBroker broker;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        PrintStream out = System.out;
        ShellTable regions = new ShellTable().emptyTableText("No memory regions");
        regions.column("Region");
        regions.column("Owner");
        regions.column("Size").alignRight();
        regions.column("Generation").alignRight();
        regions.column("File");
        for (MemoryRegion r : broker.regions()) {
            regions.addRow().addContent(r.id(), r.owner(), ByteSize.ofBytes(r.size()).toHumanString(), r.generation(),
                    r.file());
        }
        regions.print(out, !noFormat);

        ShellTable grants = new ShellTable().emptyTableText("No grants");
        grants.column("Grant");
        grants.column("Region");
        grants.column("Grantee");
        grants.column("Offset").alignRight();
        grants.column("Length").alignRight();
        grants.column("Restrictions");
        grants.column("Maps").alignRight();
        grants.column("State");
        for (GrantStatus s : broker.grants()) {
            String state = s.revoked() ? "revoked" : s.expired() ? "expired" : "live";
            grants.addRow().addContent(s.grant().id(), s.grant().regionId(), s.grant().grantee(), s.grant().offset(),
                    s.grant().length(), Tables.restrictions(s.grant().restrictions()), s.maps(), state);
        }
        grants.print(out, !noFormat);

        ShellTable handles = new ShellTable().emptyTableText("No mapped handles");
        handles.column("Handle").alignRight();
        handles.column("Grant");
        handles.column("Grantee");
        handles.column("Size").alignRight();
        handles.column("Section").alignRight();
        handles.column("Mapped").alignRight();
        handles.column("Mode");
        handles.column("Valid");
        for (HandleInfo h : broker.handles()) {
            handles.addRow().addContent(h.id(), h.grantId(), h.grantee(), ByteSize.ofBytes(h.size()).toHumanString(),
                    ByteSize.ofBytes(h.sectionSize()).toHumanString(), h.mappedSections() + "/" + h.sections(),
                    h.readOnly() ? "ro" : "rw", h.valid() ? "yes" : "no (revoked)");
        }
        handles.print(out, !noFormat);
        out.println("Bytes copied by the memory service: " + broker.bytesCopied());
        return null;
    }
}
