package io.vstack.storage.san.internal.command;

import io.vstack.api.Durations;
import io.vstack.storage.san.internal.SanBackend;
import java.time.Duration;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code storage:simulate-path}: holds a SAN path down, brings it back, or sets its latency. */
@Service
@Command(scope = "storage", name = "simulate-path",
        description = "SIMULATION CONTROL: holds a SAN path down, brings it back, or sets its added latency; without options, lists the paths")
public class SimulatePathCommand implements Action {

    @Reference
    SanBackend san;

    @Argument(index = 0, name = "path", description = "The path (path0, path1...); omit to list the paths")
    @Completion(PathCompleter.class)
    String path;

    @Option(name = "--down", description = "Hold the path down: I/O fails over to the other paths")
    boolean down;

    @Option(name = "--up", description = "Bring a held-down path back")
    boolean up;

    @Option(name = "--latency", description = "Latency added to each operation on the path, e.g. 2ms (0 turns it off)")
    String latency;

    @Option(name = "--reset", description = "Turn every knob of the path off")
    boolean reset;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        if (down && up) {
            throw new IllegalArgumentException("--down and --up contradict each other");
        }
        if (path == null) {
            if (down || up || reset || latency != null) {
                throw new IllegalArgumentException("name the path to change: " + String.join(", ", san.pathNames()));
            }
            ShellTable table = new ShellTable();
            table.column("Array");
            table.column("Path");
            table.column("State");
            table.column("Operations").alignRight();
            san.pathStates().forEach(row -> table.addRow().addContent(san.name(), row[0], row[1], row[2]));
            table.print(System.out, !noFormat);
            return null;
        }
        // Parse before changing anything, so a bad value changes nothing.
        Duration newLatency = reset ? Duration.ZERO : latency == null ? null : Durations.parse(latency);
        String state = san.simulatePath(path, newLatency, down || up || reset ? Boolean.valueOf(down) : null);
        System.out.println("simulation: " + san.name() + " " + path + " " + state);
        return null;
    }
}
