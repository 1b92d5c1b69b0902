package io.vstack.metrics.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.metrics.internal.Figures;
import io.vstack.metrics.internal.MetricsCollector;
import io.vstack.metrics.internal.MetricsJson;
import io.vstack.metrics.internal.SourceFigures;
import java.io.PrintStream;
import java.util.List;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code metrics:list}: every metric source, its labels and how many figures it has. */
@Service
@Command(scope = "metrics", name = "list", description = "Lists the metric sources: name, kind, labels, number of metrics")
public class MetricsListCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @Reference
    MetricsCollector collector;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "The same as a JSON array")
    boolean json;

    /** Where the output goes; tests replace it. */
    PrintStream out = System.out;

    @Override
    public Object execute() throws JsonProcessingException {
        List<SourceFigures> all = collector.collect();
        if (json) {
            out.println(JSON.writeValueAsString(all.stream().map(MetricsJson::summary).toList()));
            return null;
        }
        ShellTable table = new ShellTable().emptyTableText("No metric sources");
        table.column("Source");
        table.column("Kind");
        table.column("Labels");
        table.column("Metrics").alignRight();
        all.forEach(s -> table.addRow().addContent(s.source(), s.kind(), Figures.labels(s.labels()), s.metrics().size()));
        table.print(out, !noFormat);
        return null;
    }
}
