package io.vstack.workload.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.vstack.api.workload.LatencySummary;
import io.vstack.api.workload.OpFigures;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadProgress;
import io.vstack.api.workload.WorkloadResult;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.karaf.shell.support.table.ShellTable;

/** Prints a workload's progress line and result table. */
final class ResultTable {

    private static final ObjectWriter JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    private ResultTable() {
    }

    /** One progress line: elapsed, ops, IOPS and MiB/s over the last second, errors. */
    static String progressLine(WorkloadProgress p) {
        return String.format(Locale.ROOT, "%6.1fs  ops %,d  IOPS %,.0f  MiB/s %.1f  errors %d%s",
                p.elapsed().toNanos() / 1e9, p.ops(), p.iops(), p.mibPerSecond(), p.errors(),
                p.verifyFailures() > 0 ? "  verify failures " + p.verifyFailures() : "");
    }

    /** The result: one row per op type that ran, then a summary line and the first failures. */
    static void print(WorkloadResult result, PrintStream out, boolean format) {
        ShellTable table = new ShellTable();
        table.column("Op");
        table.column("Ops").alignRight();
        table.column("IOPS").alignRight();
        table.column("MiB/s").alignRight();
        table.column("p50 us").alignRight();
        table.column("p99 us").alignRight();
        table.column("p999 us").alignRight();
        table.column("max us").alignRight();
        double seconds = result.elapsed().toNanos() / 1e9;
        row(table, "read", result.reads(), seconds);
        row(table, "write", result.writes(), seconds);
        row(table, "flush", result.flushes(), seconds);
        table.addRow().addContent("total", result.ops(), fixed(result.iops(), 0), fixed(result.mibPerSecond(), 2),
                "", "", "", "");
        table.print(out, format);
        out.println(String.format(Locale.ROOT, "disk %s, %s, %.2f s, errors %d, verified blocks %d, verify failures %d, %s%s",
                result.diskId(), describe(result), seconds, result.errors(), result.verifiedBlocks(),
                result.verifyFailures(), result.stopReason().name().toLowerCase(Locale.ROOT),
                result.inFlight() > 0 ? ", " + result.inFlight() + " requests still in flight (held by a filter; not counted)" : ""));
        if (result.spec().pattern() == WorkloadPattern.VERIFY_ONLY) {
            long read = result.reads().ops();
            long written = result.verifiedBlocks() + result.verifyFailures();
            out.println(String.format(Locale.ROOT, "verify-only: checked %d blocks of %d read (%d all zero, never written): %d intact, %d failed",
                    written, read, read - written, result.verifiedBlocks(), result.verifyFailures()));
        }
        for (WorkloadResult.Failure failure : result.failures()) {
            out.println("  " + failure.what() + " failed at offset " + failure.offset() + ": " + failure.message());
        }
        long unlisted = result.errors() + result.verifyFailures() - result.failures().size();
        if (unlisted > 0) {
            out.println("  ... and " + unlisted + " more");
        }
    }

    /** The result as one JSON object: times in ns, sizes in bytes, rates per second over the run. */
    static String json(WorkloadResult result) throws JsonProcessingException {
        double seconds = result.elapsed().toNanos() / 1e9;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("disk", result.diskId());
        json.put("pattern", result.spec().pattern().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        json.put("blockSize", result.spec().blockSize());
        json.put("threads", result.spec().threads());
        json.put("elapsedNanos", result.elapsed().toNanos());
        json.put("stopReason", result.stopReason().name().toLowerCase(Locale.ROOT));
        json.put("failure", result.failure().orElse(null));
        json.put("ops", result.ops());
        json.put("iops", result.iops());
        json.put("mibPerSecond", result.mibPerSecond());
        json.put("reads", figures(result.reads(), seconds));
        json.put("writes", figures(result.writes(), seconds));
        json.put("flushes", figures(result.flushes(), seconds));
        json.put("errors", result.errors());
        json.put("verifiedBlocks", result.verifiedBlocks());
        json.put("verifyFailures", result.verifyFailures());
        json.put("inFlight", result.inFlight());
        json.put("failures", result.failures().stream().map(f -> Map.of("what", f.what(), "offset", f.offset(),
                "message", f.message())).toList());
        return JSON.writeValueAsString(json);
    }

    private static Map<String, Object> figures(OpFigures figures, double seconds) {
        LatencySummary l = figures.latency();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ops", figures.ops());
        json.put("bytes", figures.bytes());
        json.put("iops", seconds > 0 ? figures.ops() / seconds : 0);
        json.put("latency", Map.of("count", l.count(), "p50Nanos", l.p50Nanos(), "p99Nanos", l.p99Nanos(),
                "p999Nanos", l.p999Nanos(), "maxNanos", l.maxNanos()));
        return json;
    }

    private static String describe(WorkloadResult result) {
        var spec = result.spec();
        return spec.pattern().name().toLowerCase(Locale.ROOT).replace('_', '-') + " bs=" + spec.blockSize()
                + " threads=" + spec.threads();
    }

    private static void row(ShellTable table, String name, OpFigures figures, double seconds) {
        if (figures.ops() == 0 && figures.latency().count() == 0) {
            return;
        }
        LatencySummary l = figures.latency();
        table.addRow().addContent(name, figures.ops(), fixed(seconds > 0 ? figures.ops() / seconds : 0, 0),
                fixed(seconds > 0 ? figures.bytes() / seconds / (1 << 20) : 0, 2), micros(l.p50Nanos()),
                micros(l.p99Nanos()), micros(l.p999Nanos()), micros(l.maxNanos()));
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String micros(long nanos) {
        return fixed(nanos / 1e3, 1);
    }
}
