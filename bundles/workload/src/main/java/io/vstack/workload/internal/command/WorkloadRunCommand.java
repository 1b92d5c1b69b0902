package io.vstack.workload.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.UserText;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.disk.VirtualDisk;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.workload.WorkloadPattern;
import io.vstack.api.workload.WorkloadResult;
import io.vstack.api.workload.WorkloadRunner;
import io.vstack.api.workload.WorkloadSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/**
 * {@code workload:run}: runs a workload on a disk, with a progress line each second and a result
 * table at the end. Ctrl-C stops it cleanly and prints what ran.
 */
@Service
@Command(scope = "workload", name = "run",
        description = "Runs a fio-like workload or a trace replay on a virtual disk and prints IOPS, MiB/s and latency percentiles")
public class WorkloadRunCommand implements Action {

    @Reference
    DiskManager disks;

    @Reference
    WorkloadRunner runner;

    @Option(name = "--rw", aliases = "--pattern", description = "read, write, randread, randwrite or randrw (default randread)")

    @Completion(value = StringsCompleter.class, values = {"read", "write", "randread", "randwrite", "randrw"})
    String pattern = "randread";

    @Option(name = "--bs", description = "Bytes per I/O, e.g. 4K (default 4K)")
    String blockSize = "4K";

    @Option(name = "--threads", description = "Threads issuing synchronous I/O: the queue depth (default 1)")
    int threads = 1;

    @Option(name = "--size", description = "Region from offset 0 the I/Os cover, e.g. 1G (default: the whole disk)")
    String size;

    @Option(name = "--duration", description = "Stop after this long, e.g. 10s")
    String duration;

    @Option(name = "--ops", description = "Stop after this many reads and writes")
    long ops;

    @Option(name = "--mix", description = "randrw or trace: percentage of reads (default 50 for randrw, 100 for a trace)")
    Integer mix;

    @Option(name = "--zipf", description = "Random patterns: Zipf exponent of the block popularity, e.g. 1.1 (default uniform)")
    double zipf;

    @Option(name = "--flush-every", description = "Each thread flushes after this many of its writes")
    long flushEvery;

    @Option(name = "--verify", description = "Write self-checking blocks (offset, generation, CRC32C) and check every read")
    boolean verify;

    @Option(name = "--verify-only", description = "Read the region once and check every block written by a --verify run")
    boolean verifyOnly;

    @Option(name = "--trace", description = "Replay the block numbers of a trace file (xz, gzip or plain: found from its first bytes)")

    @Completion(FileCompleter.class)
    String trace;

    @Option(name = "--trace-format", description = "Record encoding: auto (xz = u32, else text), u32, s32 or text (default auto)")

    @Completion(value = StringsCompleter.class, values = {"auto", "u32", "s32", "text"})
    String traceFormat;

    @Option(name = "--at", description = "Open the disk at this filter: the I/O enters the chain there and passes only it "
            + "and the filters below it (disk:info lists the disk's filters in order)")
    @Completion(AttachedFilterCompleter.class)
    String at;

    @Option(name = "--seed", description = "Seed of the random draws (default 1)")
    long seed = 1;

    @Option(name = "--quiet", description = "No progress line")
    boolean quiet;

    @Option(name = "--no-format", description = "Plain output for scripts")
    boolean noFormat;

    @Option(name = "--json", description = "The result as one JSON object instead of the table (no progress line)")
    boolean json;

    @Argument(index = 0, name = "disk", description = "The disk", required = true)
    @Completion(DiskCompleter.class)
    String disk;

    @Override
    public Object execute() throws Exception {
        WorkloadSpec spec = spec();
        VirtualDisk target = disks.disk(disk).orElseThrow(() -> new IllegalArgumentException(
                "No disk named " + UserText.quote(disk) + "; disk:list shows the disks"));
        PrintStream out = System.out;
        boolean[] printed = {false};
        if (at != null && target.info().filters().stream().noneMatch(f -> f.descriptor().name().equals(at))) {
            throw new IllegalArgumentException("--at " + UserText.quote(at) + ": no such filter is attached to disk " + disk
                    + "; disk:info " + disk + " lists its filters");
        }
        WorkloadResult result = runner.run(target, at, spec, progress -> {
            if (!quiet && !json) {
                out.print("\r" + ResultTable.progressLine(progress) + "   ");
                out.flush();
                printed[0] = true;
            }
        });
        if (printed[0]) {
            out.println();
        }
        if (json) {
            out.println(ResultTable.json(result));
        } else {
            ResultTable.print(result, out, !noFormat);
        }
        if (result.stopReason() == WorkloadResult.StopReason.FAILED) {
            throw new IllegalStateException(result.failure().orElse("the workload failed"));
        }
        return null;
    }

    /** The spec the options describe. */
    WorkloadSpec spec() {
        if (verify && verifyOnly) {
            throw new IllegalArgumentException("--verify writes verifiable blocks and --verify-only only reads them: give one of the two");
        }
        WorkloadPattern chosen;
        if (trace != null) {
            chosen = WorkloadPattern.TRACE;
        } else if (verifyOnly) {
            chosen = WorkloadPattern.VERIFY_ONLY;
        } else {
            chosen = switch (pattern.toLowerCase(Locale.ROOT)) {
                case "read" -> WorkloadPattern.READ;
                case "write" -> WorkloadPattern.WRITE;
                case "randread" -> WorkloadPattern.RANDREAD;
                case "randwrite" -> WorkloadPattern.RANDWRITE;
                case "randrw" -> WorkloadPattern.RANDRW;
                default -> throw new IllegalArgumentException("--rw '" + pattern
                        + "' is not a pattern: use read, write, randread, randwrite or randrw");
            };
        }
        long bytes = ByteSize.parse(blockSize).bytes();
        if (bytes > WorkloadSpec.MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("--bs " + blockSize + " must be a multiple of 512 from 512 to 16M");
        }
        WorkloadSpec.Builder builder = WorkloadSpec.builder(chosen).blockSize((int) bytes).threads(threads).ops(ops)
                .zipfTheta(zipf).flushEvery(flushEvery).verify(verify || verifyOnly).seed(seed);
        if (size != null) {
            long region = ByteSize.parse(size).bytes();
            if (region == 0) {
                throw new IllegalArgumentException("--size 0 covers no block: give at least one --bs, or leave --size out for the whole disk");
            }
            builder.regionSize(region);
        }
        if (duration != null) {
            builder.duration(Durations.parse(duration));
        }
        if (mix != null) {
            builder.readPercent(mix);
        }
        if (trace != null) {
            builder.trace(Path.of(trace));
        }
        if (traceFormat != null) {
            builder.traceFormat(TraceFormat.parse(traceFormat));
        }
        return builder.build();
    }
}
