package io.vstack.metrics.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.api.UserText;
import io.vstack.api.metrics.Metric;
import io.vstack.metrics.internal.Figures;
import io.vstack.metrics.internal.MetricsCollector;
import io.vstack.metrics.internal.MetricsJson;
import io.vstack.metrics.internal.SourceFigures;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** {@code metrics:show <source>}: one source's figures. */
@Service
@Command(scope = "metrics", name = "show", description = "Shows one metric source's figures: name, type, unit, labels, value")
public class MetricsShowCommand implements Action {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    @Reference
    MetricsCollector collector;

    @Argument(index = 0, name = "source", required = true, description = "Metric source (see metrics:list)")
    @Completion(SourceCompleter.class)
    String source;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "The same as one JSON object, histograms with their buckets")
    boolean json;

    /** Where the output goes; tests replace it. */
    PrintStream out = System.out;

    @Override
    public Object execute() throws JsonProcessingException {
        SourceFigures figures = collector.collect(source).orElseThrow(() -> new IllegalArgumentException(
                "no metric source named " + UserText.quote(source) + " (metrics:list shows them)"));
        if (json) {
            out.println(JSON.writeValueAsString(MetricsJson.source(figures)));
            return null;
        }
        ShellTable table = new ShellTable().emptyTableText("No metrics");
        table.column("Metric");
        table.column("Type");
        table.column("Unit");
        table.column("Labels");
        table.column("Value").alignRight();
        for (Metric m : figures.metrics()) {
            table.addRow().addContent(m.name(), m.type().name().toLowerCase(java.util.Locale.ROOT), m.unit(),
                    Figures.labels(withoutSourceLabels(m.labels(), figures.labels())), Figures.value(m));
        }
        table.print(out, !noFormat);
        return null;
    }

    /** The source's labels are the same on every row: the table shows only a metric's own. */
    private static Map<String, String> withoutSourceLabels(Map<String, String> labels, Map<String, String> sourceLabels) {
        Map<String, String> own = new LinkedHashMap<>(labels);
        sourceLabels.forEach(own::remove);
        return own;
    }
}
