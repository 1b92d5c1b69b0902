package io.vstack.filters.basic.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.filters.basic.internal.stats.DiskStats;
import io.vstack.filters.basic.internal.stats.StatsBoard;
import io.vstack.filters.basic.internal.stats.StatsFilter;
import java.util.List;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/**
 * {@code filter:stats}: the figures of the stats filter, one row per disk and operation type
 * that saw I/O. The same figures as the {@code disk/<id>/stats} metric sources.
 */
@Service
@Command(scope = "filter", name = "stats",
        description = "Shows the stats filter's figures: ops, IOPS, MiB/s and latency percentiles per disk and op type")
public class FilterStatsCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @Reference
    StatsBoard board;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--all", description = "Also the op types that saw no I/O")
    boolean all;

    @Option(name = "--json", description = "One JSON array of the disks' figures (latencies in ns) instead of the table")
    boolean json;

    @Argument(index = 0, name = "disk", description = "Only this disk")
    @Completion(StatsDiskCompleter.class)
    String disk;

    @Override
    public Object execute() throws JsonProcessingException {
        List<StatsFilter> filters = board.attached();
        if (disk != null) {
            filters = filters.stream().filter(f -> f.diskId().equals(disk)).toList();
            if (filters.isEmpty()) {
                throw new IllegalArgumentException("The stats filter is not attached to disk '" + disk
                        + "'; attach it with filter:attach " + disk + " stats");
            }
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(filters.stream().map(StatsFilter::figures)
                    .map(d -> new DiskStats(d.diskId(), d.sinceAttach(), d.intervalSeconds(),
                            d.ops().stream().filter(op -> all || op.count() > 0 || op.errors() > 0).toList())).toList()));
            return null;
        }
        ShellTable table = new ShellTable().emptyTableText("No disk has the stats filter attached (filter:attach <disk> stats)");
        table.column("Disk");
        table.column("Op");
        table.column("Ops").alignRight();
        table.column("Errors").alignRight();
        table.column("IOPS").alignRight();
        table.column("IOPS avg").alignRight();
        table.column("MiB/s").alignRight();
        table.column("p50 us").alignRight();
        table.column("p99 us").alignRight();
        table.column("p999 us").alignRight();
        table.column("Interval s").alignRight();
        for (StatsFilter filter : filters) {
            DiskStats stats = filter.figures();
            for (DiskStats.Op op : stats.ops()) {
                if (!all && op.count() == 0 && op.errors() == 0) {
                    continue;
                }
                table.addRow().addContent(stats.diskId(), op.op(), op.count(), op.errors(), fixed(op.iops(), 0),
                        fixed(op.averageIops(), 0), fixed(op.mibPerSec(), 2), micros(op.latency().p50()),
                        micros(op.latency().p99()), micros(op.latency().p999()), fixed(stats.intervalSeconds(), 1));
            }
        }
        table.print(System.out, !noFormat);
        return null;
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String micros(long nanos) {
        return fixed(nanos / 1e3, 1);
    }
}
