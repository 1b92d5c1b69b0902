package io.vstack.cache.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.support.MemoryBudget;
import io.vstack.api.testing.InMemoryTraceReader;
import io.vstack.api.testing.SystemOut;
import io.vstack.api.trace.TraceFormat;
import io.vstack.api.trace.TraceFormatException;
import io.vstack.cache.internal.policy.ArcFactory;
import io.vstack.cache.internal.policy.LruFactory;
import io.vstack.cache.internal.policy.S3FifoFactory;
import io.vstack.cache.internal.policy.TwoPhaseFactory;
import io.vstack.cache.internal.policy.TwoQueueFactory;
import io.vstack.cache.internal.sim.TraceSimulator;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Drives the commands as plain objects against a simulator holding the five policies, on traces of a fake reader. */
class CacheCommandsTest {

    private final InMemoryTraceReader traces = new InMemoryTraceReader();
    private final TraceSimulator simulator = new TraceSimulator(traces);

    CacheCommandsTest() {
        addPolicies(simulator);
    }

    private static TraceSimulator addPolicies(TraceSimulator to) {
        List.of(new TwoPhaseFactory(), new LruFactory(), new ArcFactory(), new TwoQueueFactory(), new S3FifoFactory())
                .forEach(to::addFactory);
        return to;
    }

    @Test
    void aCacheSizeTheHeapCannotHoldIsRefusedByNameBeforeAnythingIsTaken() {
        CacheSimulateCommand command = simulate(loopTrace());
        command.simulator = addPolicies(new TraceSimulator(traces, () -> new MemoryBudget(0, 0, 2L << 30, 0)));
        command.sizes = "1000000000";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::execute);
        assertEquals("cache:simulate --size 1000000000 x 5 policies needs 596 GiB of heap; the distribution has 2 GiB free"
                + " of 2 GiB (a request may take half of what is free)", e.getMessage());
    }

    @Test
    void beladysWholeTraceIsRefusedByNameWhenTheHeapCannotHoldIt() {
        CacheSimulateCommand command = simulate(loopTrace());
        command.simulator = addPolicies(new TraceSimulator(traces, () -> new MemoryBudget(0, 0, 60_000, 0)));
        command.policies = "";
        command.sizes = "10";
        command.opt = true;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, command::execute);
        assertTrue(e.getMessage().startsWith("cache:simulate --opt on trace loop10.txt (1000 references) needs 31.6 KiB of heap;"),
                e.getMessage());
    }

    @Test
    void jsonGivesEachTraceAndSizeWithItsMissRatios() throws Exception {
        CacheSimulateCommand command = simulate(loopTrace());
        command.policies = "lru,two-phase";
        command.sizes = "5,10";
        command.json = true;
        JsonNode rows = new ObjectMapper().readTree(SystemOut.capture(command::execute));
        assertEquals(2, rows.size());
        assertEquals("loop10", rows.get(0).get("trace").asText());
        assertEquals(5, rows.get(0).get("size").asInt());
        assertEquals(1000, rows.get(0).get("references").asLong());
        assertEquals(1.0, rows.get(0).get("missRatios").get("lru").asDouble(), 1e-9, "LRU thrashes a loop larger than the cache");
        assertEquals(0.01, rows.get(1).get("missRatios").get("lru").asDouble(), 1e-9, "10 cold misses, then hits");
        assertTrue(rows.get(1).has("missRatios") && rows.get(1).get("missRatios").has("two-phase"));
    }

    @Test
    void anInterruptStopsASimulation() {
        Path file = Path.of("long.txt");
        traces.with(file, IntStream.range(0, 200_000).mapToLong(i -> i % 1000).toArray());
        Thread.currentThread().interrupt();
        try {
            InterruptedIOException e = assertThrows(InterruptedIOException.class, () -> simulate(file).execute());
            assertEquals("cache:simulate stopped in trace long.txt after 65536 references: interrupted", e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }

    private CacheSimulateCommand simulate(Path trace) {
        CacheSimulateCommand command = new CacheSimulateCommand();
        command.simulator = simulator;
        command.traces = List.of(trace.toString());
        command.noFormat = true;
        return command;
    }

    /** A loop over 10 keys, 100 times. */
    private Path loopTrace() {
        Path file = Path.of("loop10.txt");
        traces.with(file, IntStream.range(0, 1000).mapToLong(i -> i % 10).toArray());
        return file;
    }

    @Test
    void simulatePrintsOneRowPerSizeAndAColumnPerPolicy() throws Exception {
        CacheSimulateCommand command = simulate(loopTrace());
        command.sizes = "5,10";
        command.policies = "lru,two-phase";
        command.opt = true;
        List<String> lines = SystemOut.capture(command::execute).lines().toList();
        assertEquals(2, lines.size(), String.join("\n", lines));
        // LRU misses every reference of a loop larger than the cache; OPT keeps 4 of the 10 keys.
        assertEquals(List.of("loop10@5", "1000", "100.00"), List.of(lines.get(0).split("\\s*\t\\s*")).subList(0, 3));
        assertEquals("loop10@10\t1000\t1.00\t1.00\t1.00", lines.get(1).replaceAll("\\s*\t\\s*", "\t").strip());
        String[] opt = lines.get(0).split("\\s*\t\\s*");
        assertEquals(String.format("%.2f", 100.0 * (10 + 99 * 5) / 1000).replace(',', '.'), opt[opt.length - 1].strip());
    }

    @Test
    void badSizesAndUnknownPoliciesAreOneLineErrors() throws Exception {
        CacheSimulateCommand command = simulate(loopTrace());
        command.sizes = "8,0";
        assertEquals("Bad cache size '0': give positive block counts like 8192,32768",
                assertThrows(IllegalArgumentException.class, command::execute).getMessage());
        command.sizes = "-3";
        assertThrows(IllegalArgumentException.class, command::execute);
        command.sizes = "8";
        command.policies = "lru,mru";
        assertEquals("Unknown policy 'mru'; known: 2q, arc, lru, s3fifo, two-phase",
                assertThrows(IllegalArgumentException.class, command::execute).getMessage());
    }

    @Test
    void theFormatGoesToTheReaderAndItsErrorsComeBackWhole() throws Exception {
        CacheSimulateCommand command = simulate(loopTrace());
        command.format = "s32";
        SystemOut.capture(command::execute);
        assertEquals(Optional.of(TraceFormat.S32), traces.formatAsked(Path.of("loop10.txt")));
        command.format = "u64";
        assertEquals("Unknown trace format 'u64'; known: auto, u32, s32, text",
                assertThrows(IllegalArgumentException.class, command::execute).getMessage());
        Path broken = Path.of("broken.trace.gz");
        traces.failing(broken, "trace broken.trace.gz line 3: 'x' is not a key (format text: one decimal key per line)");
        CacheSimulateCommand failing = simulate(broken);
        assertEquals("trace broken.trace.gz line 3: 'x' is not a key (format text: one decimal key per line)",
                assertThrows(TraceFormatException.class, failing::execute).getMessage());
    }

    @Test
    void policiesListsEveryFactory() throws Exception {
        CachePoliciesCommand command = new CachePoliciesCommand();
        command.simulator = simulator;
        command.noFormat = true;
        List<String> names = SystemOut.capture(command::execute).lines().map(l -> l.split("\t")[0].strip()).toList();
        assertEquals(List.of("2q", "arc", "lru", "s3fifo", "two-phase"), names);
        simulator.removeFactory(new LruFactory());
        assertTrue(simulator.policy("lru").isPresent(), "only the registered instance is removed");
    }
}
