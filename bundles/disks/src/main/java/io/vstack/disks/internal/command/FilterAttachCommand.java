package io.vstack.disks.internal.command;

import io.vstack.api.filter.FilterAttachment;
import io.vstack.disks.internal.DiskAdmin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** {@code filter:attach <disk> <filter> [key=value...]}. */
@Service
@Command(scope = "filter", name = "attach", description = "Attaches an I/O filter to a disk, also while I/O runs on it")
public class FilterAttachCommand implements Action {

    @Reference
    DiskAdmin disks;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String diskName;

    @Argument(index = 1, name = "filter", description = "The filter", required = true)
    @Completion(FilterCompleter.class)
    String filterName;

    @Argument(index = 2, name = "config", description = "The filter's configuration as key=value pairs", multiValued = true)
    List<String> config;

    @Override
    public Object execute() {
        FilterAttachment a = disks.attach(diskName, filterName, parse(config));
        System.out.println("Attached filter " + a.descriptor().name() + " (" + a.descriptor().filterClass() + ", rank "
                + a.descriptor().rank() + ") to disk " + diskName);
        return null;
    }

    static Map<String, String> parse(List<String> pairs) {
        Map<String, String> result = new LinkedHashMap<>();
        if (pairs == null) {
            return result;
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + pair + "' is not key=value");
            }
            String key = pair.substring(0, eq).trim();
            if (result.put(key, pair.substring(eq + 1).trim()) != null) {
                throw new IllegalArgumentException("key " + key + " is given twice");
            }
        }
        return result;
    }
}
