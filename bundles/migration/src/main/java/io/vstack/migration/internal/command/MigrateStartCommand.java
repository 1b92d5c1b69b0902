package io.vstack.migration.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.Durations;
import io.vstack.api.migration.MigrationMode;
import io.vstack.api.migration.MigrationParams;
import io.vstack.api.migration.MigrationReport;
import io.vstack.api.migration.MigrationService;
import io.vstack.api.migration.MigrationStatus;
import java.util.Locale;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** {@code migrate:start}: moves a VM to another host, printing a progress line until it ends (or at once with --background). */
@Service
@Command(scope = "migrate", name = "start", description = "Live-migrates a VM to another host (QEMU's defaults in the option help)")
public class MigrateStartCommand implements Action {

    @Reference
    MigrationService migrations;

    @Option(name = "--mode", description = "precopy (QEMU's default), postcopy (start at the destination at once, pages on demand)"
            + " or hybrid (pre-copy, post-copy when it will not converge)")

    @Completion(value = StringsCompleter.class, values = {"precopy", "postcopy", "hybrid"})
    String mode = "precopy";

    @Option(name = "--downtime-limit", description = "Largest acceptable stop time (ours 20ms, QEMU 300ms)")
    String downtimeLimit = "20ms";

    @Option(name = "--max-bandwidth", description = "Pre-copy stream cap per second, e.g. 128M (ours 0 = none, QEMU 128M)")
    String maxBandwidth = "0";

    @Option(name = "--max-postcopy-bandwidth", description = "Post-copy background push cap per second, e.g. 256M (ours and QEMU"
            + " 0 = none); requested pages are never held back, and a cap serves each fault sooner but lets the guest fault more")
    String maxPostcopyBandwidth = "0";

    @Option(name = "--channels", description = "Extra page channels (ours 0, QEMU multifd 2)")
    int channels;

    @Option(name = "--no-auto-converge", description = "Do not throttle vCPUs when dirtying outruns the stream (QEMU: off by default)")
    boolean noAutoConverge;

    @Option(name = "--max-iterations", description = "Force the switchover after this many dirty syncs (0 = never, as QEMU)")
    int maxIterations;

    @Option(name = "--verify-memory", description = "Re-read all memory on both sides at switchover and compare"
            + " (catches a lost dirty page; costs a pass over memory inside the downtime). Default: the checksums of pages as sent")
    boolean verifyMemory;

    @Option(name = "--background", aliases = "-b", description = "Return at once; follow with migrate:status")
    boolean background;

    @Argument(index = 0, name = "vm", required = true, description = "The VM")

    @Completion(MigratableVmCompleter.class)
    String vm;

    @Argument(index = 1, name = "host", required = true, description = "The destination host")

    @Completion(DestinationHostCompleter.class)
    String host;

    @Override
    public Object execute() throws Exception {
        MigrationMode m;
        try {
            m = MigrationMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mode '" + mode + "' must be precopy, postcopy or hybrid");
        }
        MigrationParams params = new MigrationParams(m, Durations.parse(downtimeLimit), bytesPerSecond("--max-bandwidth", maxBandwidth),
                bytesPerSecond("--max-postcopy-bandwidth", maxPostcopyBandwidth), 0, channels, !noAutoConverge, 50, 20, 10, 99,
                maxIterations, verifyMemory);
        MigrationStatus started = migrations.start(vm, host, params);
        if (background) {
            System.out.println("Migration " + started.id() + " of " + vm + " to " + host + " started; migrate:status follows it");
            return null;
        }
        MigrationReport report;
        while (true) {
            MigrationStatus s = migrations.status(started.id()).orElseThrow();
            System.out.print("\r" + MigrationFormat.progress(s) + "   ");
            System.out.flush();
            if (s.phase().done()) {
                break;
            }
            synchronized (this) {
                wait(200);
            }
        }
        System.out.println();
        report = migrations.await(started.id());
        System.out.println("Migration " + started.id() + " completed: " + vm + " runs on " + host + "; total "
                + MigrationFormat.nanos(report.totalNanos()) + ", downtime " + MigrationFormat.nanos(report.downtimeNanos())
                + " (source side " + MigrationFormat.nanos(report.sourceDowntimeNanos()) + ", guest saw "
                + MigrationFormat.nanos(report.guestTickGapNanos()) + "), " + MigrationFormat.bytes(report.wireBytes())
                + " on the wire, digest " + (report.digestVerified() ? "verified" : "NOT verified")
                + (report.status().postcopy().switched() ? "; " + MigrationFormat.postcopy(report.status().postcopy()) : "")
                + report.metricsFile().map(f -> "; metrics " + f).orElse(""));
        return null;
    }

    private static long bytesPerSecond(String option, String value) {
        try {
            return ByteSize.parse(value).bytes();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }
}
