package io.vstack.storage.pool.internal.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.api.ByteSize;
import io.vstack.api.storage.StorageException;
import io.vstack.storage.pool.internal.PoolBackend;
import io.vstack.storage.pool.internal.PoolInfo;
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

/** {@code disk:pool-info [<name>]}: the pools, or one pool with each disk's use of it. */
@Service
@Command(scope = "disk", name = "pool-info",
        description = "Shows the elastic temporary pools (blocks used and free, low-water mark), or one pool and each disk's blocks")
public class PoolInfoCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @Reference
    PoolBackend pools;

    @Argument(index = 0, name = "name", description = "The pool (default: all)")
    @Completion(PoolNameCompleter.class)
    String name;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "The same as JSON")
    boolean json;

    @Override
    public Object execute() throws Exception {
        if (name != null) {
            PoolInfo info = pools.info(name);
            if (json) {
                System.out.println(JSON.writeValueAsString(toJson(info)));
                return null;
            }
            ShellTable summary = new ShellTable();
            summary.column("Property");
            summary.column("Value");
            summary.addRow().addContent("Name", info.name());
            summary.addRow().addContent("File", info.file());
            summary.addRow().addContent("Block", ByteSize.ofBytes(info.blockSize()));
            summary.addRow().addContent("Blocks", info.blocks());
            summary.addRow().addContent("Used", info.used());
            summary.addRow().addContent("Free", info.free());
            summary.addRow().addContent("Returning", info.returning() + " (free after the next flush)");
            summary.addRow().addContent("Low-water mark", info.lowWaterMark() + " blocks" + (info.lowWater() ? ", REACHED" : "")
                    + " (" + info.lowWaterEvents() + " times)");
            summary.addRow().addContent("Quota per disk", info.quota() == 0 ? "none" : ByteSize.ofBytes(info.quota()));
            summary.addRow().addContent("On full", info.onFull());
            summary.print(System.out, !noFormat);
            ShellTable disks = new ShellTable().emptyTableText("No disks in the pool");
            disks.column("Disk");
            disks.column("Host");
            disks.column("Capacity").alignRight();
            disks.column("Blocks").alignRight();
            disks.column("Bytes").alignRight();
            for (PoolInfo.DiskUsage d : info.disks()) {
                disks.addRow().addContent(d.id(), d.host(), ByteSize.ofBytes(d.capacity()), d.blocks(),
                        ByteSize.ofBytes(d.blocks() * info.blockSize()).toHumanString());
            }
            disks.print(System.out, !noFormat);
            return null;
        }
        List<Object> all = new ArrayList<>();
        ShellTable table = new ShellTable().emptyTableText("No pools: make one with disk:pool-create");
        table.column("Pool");
        table.column("File");
        table.column("Block").alignRight();
        table.column("Blocks").alignRight();
        table.column("Used").alignRight();
        table.column("Free").alignRight();
        table.column("Low-water").alignRight();
        table.column("Disks").alignRight();
        table.column("State");
        for (String pool : pools.poolNames()) {
            try {
                PoolInfo i = pools.info(pool);
                all.add(toJson(i));
                table.addRow().addContent(i.name(), i.file(), ByteSize.ofBytes(i.blockSize()), i.blocks(), i.used(), i.free(),
                        i.lowWaterMark(), i.disks().size(), i.lowWater() ? "LOW-WATER" : "OK");
            } catch (StorageException e) {
                all.add(Map.of("name", pool, "error", e.getMessage()));
                table.addRow().addContent(pool, "-", "-", "-", "-", "-", "-", "-", "BROKEN: " + e.getMessage());
            }
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(all));
        } else {
            table.print(System.out, !noFormat);
        }
        return null;
    }

    private static Map<String, Object> toJson(PoolInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.name());
        m.put("file", i.file().toString());
        m.put("blockSize", i.blockSize());
        m.put("blocks", i.blocks());
        m.put("used", i.used());
        m.put("free", i.free());
        m.put("returning", i.returning());
        m.put("lowWaterMark", i.lowWaterMark());
        m.put("lowWater", i.lowWater());
        m.put("lowWaterEvents", i.lowWaterEvents());
        m.put("quota", i.quota());
        m.put("onFull", i.onFull().toString());
        List<Map<String, Object>> disks = new ArrayList<>();
        for (PoolInfo.DiskUsage d : i.disks()) {
            disks.add(Map.of("disk", d.id(), "host", d.host(), "capacity", d.capacity(), "blocks", d.blocks()));
        }
        m.put("disks", disks);
        return m;
    }
}
