package io.vstack.disks.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.api.disk.DiskException;
import io.vstack.api.disk.DiskInfo;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.filter.FilterAttachment;
import io.vstack.api.filter.MissingFilterPolicy;
import io.vstack.api.metrics.Metric;
import io.vstack.api.metrics.MetricSource;
import io.vstack.api.metrics.MetricType;
import io.vstack.disks.internal.DiskAdmin;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code disk:info <disk>}: one disk's metadata, filter chain and counters. */
@Service
@Command(scope = "disk", name = "info", description = "Shows a virtual disk: metadata, its chain of disks (differencing disks), filter chain in order, I/O counters")
public class DiskInfoCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "The same as one JSON object instead of tables")
    boolean json;

    @Override
    public Object execute() throws JsonProcessingException {
        VirtualDisk disk = disks.disk(diskName).orElseThrow(() -> new IllegalArgumentException(
                "no disk named " + UserText.quote(diskName) + "; disk:list shows the disks"));
        DiskInfo info = disk.info();
        PrintStream out = System.out;
        if (json) {
            out.println(JSON.writeValueAsString(toJson(disk, info)));
            return null;
        }
        ShellTable summary = new ShellTable();
        summary.column("Property");
        summary.column("Value");
        summary.addRow().addContent("Name", info.id());
        summary.addRow().addContent("Capacity", ByteSize.ofBytes(info.capacity()) + " (" + info.capacity() + " bytes)");
        summary.addRow().addContent("Block size", info.blockSize());
        summary.addRow().addContent("Backend", info.backend());
        summary.addRow().addContent("Owner", info.owner());
        summary.addRow().addContent("Parent", info.parent().orElse("-"));
        String chainText;
        try {
            chainText = String.join(" -> ", disks.chain(info.id()));
        } catch (DiskException e) {
            chainText = "BROKEN: " + e.getMessage();
        }
        summary.addRow().addContent("Chain", chainText);
        summary.addRow().addContent("Open handles", info.openHandles());
        if (disk instanceof MetricSource metrics) {
            counters(metrics).forEach(m -> summary.addRow().addContent(m.name(), (long) m.value() + " " + m.unit()));
        }
        summary.print(out, !noFormat);

        ShellTable chain = new ShellTable().emptyTableText("No filters attached");
        chain.column("#").alignRight();
        chain.column("Filter");
        chain.column("Class");
        chain.column("Rank").alignRight();
        chain.column("State");
        chain.column("On missing");
        chain.column("Config");
        int i = 1;
        for (FilterAttachment a : info.filters()) {
            chain.addRow().addContent(i++, a.descriptor().name(), a.descriptor().filterClass(), a.descriptor().rank(),
                    state(a.active(), a.onMissing()), a.onMissing(), a.config().isEmpty() ? "-" : a.redactedConfig());
        }
        out.println();
        chain.print(out, !noFormat);
        return null;
    }

    /** The disk as {@code --json} shows it: sizes in bytes, counters by metric name, secret values redacted. */
    private Map<String, Object> toJson(VirtualDisk disk, DiskInfo info) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", info.id());
        result.put("capacity", info.capacity());
        result.put("blockSize", info.blockSize());
        result.put("backend", info.backend());
        result.put("owner", info.owner());
        result.put("parent", info.parent().orElse(null));
        try {
            result.put("chain", disks.chain(info.id()));
        } catch (DiskException e) {
            result.put("chainBroken", e.getMessage());
        }
        result.put("openHandles", info.openHandles());
        Map<String, Object> counters = new LinkedHashMap<>();
        if (disk instanceof MetricSource metrics) {
            counters(metrics).forEach(m -> counters.put(m.name(), (long) m.value()));
        }
        result.put("counters", counters);
        List<Map<String, Object>> filters = new ArrayList<>();
        for (FilterAttachment a : info.filters()) {
            Map<String, Object> filter = new LinkedHashMap<>();
            filter.put("name", a.descriptor().name());
            filter.put("class", a.descriptor().filterClass().name());
            filter.put("rank", a.descriptor().rank());
            filter.put("active", a.active());
            filter.put("onMissing", a.onMissing().toString());
            filter.put("config", a.redactedConfig());
            filters.add(filter);
        }
        result.put("filters", filters);
        return result;
    }

    /** The disk's own counters (its latency histograms and per-filter figures are in metrics:show disk/<id>). */
    private static List<Metric> counters(MetricSource metrics) {
        return metrics.snapshot().stream().filter(m -> m.labels().isEmpty()
                && (m.type() == MetricType.COUNTER || m.type() == MetricType.GAUGE)).toList();
    }

    /** An attachment's state as the commands show it: active, or what I/O does while it is missing. */
    static String state(boolean active, MissingFilterPolicy onMissing) {
        if (active) {
            return "active";
        }
        return switch (onMissing) {
            case FAIL -> "missing: I/O fails";
            case HOLD -> "missing: I/O held";
            case BYPASS -> "missing: bypassed";
        };
    }
}
