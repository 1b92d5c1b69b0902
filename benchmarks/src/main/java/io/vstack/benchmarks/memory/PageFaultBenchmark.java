package io.vstack.benchmarks.memory;

import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.Protection;
import io.vstack.api.testing.FakeMemory;
import io.vstack.memory.internal.space.PagedSpace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Fault time against address-space size (US20200034310): an address space of {@code spaceGiB} GiB
 * mapped as 2 MiB mappings (512 of them at 1 GiB, 131,072 at 256 GiB), faults in a fixed 1 GiB
 * working set in a seeded random order. One operation is a write fault that takes a frame and
 * installs the page, followed by dropping the page again (its frame zeroed and back in the pool),
 * so every operation faults. {@code radix}: the fixed-height page table, the mapping found on the
 * walk path; {@code tree}: a TreeMap of mappings searched on each fault plus a HashMap of pages, with
 * the same frame pool and lock. Run with {@code -f 5} (medians over forks).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PageFaultBenchmark {

    static final long MIB2 = 2L << 20;
    static final long GIB = 1L << 30;
    static final int WORKING_SET_PAGES = (int) (GIB / 4096);

    /** Page addresses of the 1 GiB working set, in a seeded random order. */
    static long[] workingSet() {
        long[] pages = new long[WORKING_SET_PAGES];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = (long) i * 4096;
        }
        SplittableRandom random = new SplittableRandom(17);
        for (int i = pages.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = pages[i];
            pages[i] = pages[j];
            pages[j] = t;
        }
        return pages;
    }

    /** The page-table space. */
    @State(Scope.Thread)
    public static class Radix {
        @Param({"1", "256"})
        public int spaceGiB;
        PagedSpace space;
        Path dir;
        long[] pages;
        int next;

        @Setup
        public void build() throws AddressSpaceException, IOException {
            dir = Files.createTempDirectory("vstack-fault-bench");
            space = PagedSpace.create("bench", "bench", new FakeMemory("bench", 16384), dir.resolve("swap"));
            for (long a = 0; a < spaceGiB * GIB; a += MIB2) {
                space.map(a, MIB2, Protection.READ_WRITE);
            }
            for (long a = 0; a < GIB; a += MIB2) { // the working set's level-1 tables exist, as in a warm space
                space.fault(a, Access.WRITE);
                space.discard(a);
            }
            pages = workingSet();
        }

        @TearDown
        public void destroy() throws IOException {
            space.destroy();
            Files.deleteIfExists(dir);
        }
    }

    /** The tree-search baseline. */
    @State(Scope.Thread)
    public static class Tree {
        @Param({"1", "256"})
        public int spaceGiB;
        TreeSpace space;
        long[] pages;
        int next;

        @Setup
        public void build() {
            space = new TreeSpace(1024);
            for (long a = 0; a < spaceGiB * GIB; a += MIB2) {
                space.map(a, MIB2, true);
            }
            pages = workingSet();
        }
    }

    @Benchmark
    public boolean radix(Radix s) throws AddressSpaceException {
        long va = s.pages[s.next++ & (WORKING_SET_PAGES - 1)];
        s.space.fault(va, Access.WRITE);
        return s.space.discard(va);
    }

    @Benchmark
    public boolean tree(Tree s) {
        long va = s.pages[s.next++ & (WORKING_SET_PAGES - 1)];
        s.space.fault(va);
        return s.space.discard(va);
    }
}
