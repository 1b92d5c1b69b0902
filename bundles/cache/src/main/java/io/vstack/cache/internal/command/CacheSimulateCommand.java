package io.vstack.cache.internal.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.api.trace.TraceFormat;
import io.vstack.cache.internal.sim.TraceSimulator;
import io.vstack.support.ProgressLine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code cache:simulate}: replays traces through policies at cache sizes and prints miss ratios. */
@Service
@Command(scope = "cache", name = "simulate",
        description = "Replays a block/key trace through eviction policies and prints the miss ratio (%) of each at each cache size")
public class CacheSimulateCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    static final String DEFAULT_POLICIES = "two-phase,lru,arc,2q,s3fifo";

    @Reference
    TraceSimulator simulator;

    @Option(name = "--trace", required = true, multiValued = true,
            description = "Trace file (xz, gzip or plain, found from its first bytes: binary 32-bit keys or one key per line); repeat for several")
    @Completion(FileCompleter.class)
    List<String> traces;

    @Option(name = "--policy", description = "Comma-separated policy names (cache:policies lists them)")
    @Completion(PolicyCompleter.class)
    String policies = DEFAULT_POLICIES;

    @Option(name = "--size", description = "Comma-separated cache sizes in blocks")
    String sizes = "8192,32768";

    @Option(name = "--format", description = "Record encoding: auto (xz = u32, else text), u32, s32, text")

    @Completion(value = StringsCompleter.class, values = {"auto", "u32", "s32", "text"})
    String format = "auto";

    @Option(name = "--opt", description = "Add Belady's offline optimum as a column")
    boolean opt;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "One JSON array of rows (trace, size, references, miss ratio per policy) instead of the table")
    boolean json;

    @Option(name = "--quiet", description = "No progress line")
    boolean quiet;

    @Override
    public Object execute() throws IOException {
        int[] cacheSizes = parseSizes(sizes);
        List<String> names = Arrays.stream(policies.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty() && !opt) {
            throw new IllegalArgumentException("No policy given; known: "
                    + String.join(", ", simulator.policies().stream().map(f -> f.name()).toList()));
        }
        List<Path> files = new ArrayList<>();
        for (String trace : traces) {
            files.add(Path.of(trace));
        }
        PrintStream out = System.out;
        ProgressLine progress = new ProgressLine(out, !quiet && !json);
        List<TraceSimulator.Row> rows = simulator.simulate(files, TraceFormat.parse(format), names, cacheSizes, opt,
                (trace, references) -> progress.update(() -> String.format(Locale.ROOT, "%s: %,d references", trace, references)));
        progress.end();
        if (json) {
            out.println(JSON.writeValueAsString(rows.stream().map(r -> Map.of("trace", r.trace(), "size", r.size(),
                    "references", r.references(), "missRatios", r.missRatios())).toList()));
            return null;
        }
        ShellTable table = new ShellTable();
        table.column("Trace@size");
        table.column("Refs").alignRight();
        List<String> columns = new ArrayList<>(names);
        if (opt) {
            columns.add(TraceSimulator.OPT);
        }
        columns.forEach(c -> table.column(c).alignRight());
        for (TraceSimulator.Row row : rows) {
            List<Object> cells = new ArrayList<>();
            cells.add(row.trace() + "@" + row.size());
            cells.add(row.references());
            columns.forEach(c -> cells.add(String.format(Locale.ROOT, "%.2f", 100 * row.missRatios().get(c))));
            table.addRow().addContent(cells);
        }
        table.print(out, !noFormat);
        return null;
    }

    static int[] parseSizes(String text) {
        String[] parts = text.split(",");
        int[] result = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                result[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Bad cache size '" + parts[i].trim() + "': give positive block counts like 8192,32768", e);
            }
            if (result[i] <= 0) {
                throw new IllegalArgumentException("Bad cache size '" + parts[i].trim() + "': give positive block counts like 8192,32768");
            }
        }
        return result;
    }
}
