package io.vstack.benchmarks.memory;

import io.vstack.api.hw.Cpu;
import io.vstack.api.testing.FakeHosts;
import io.vstack.memory.internal.prda.PrdaCpu;
import io.vstack.memory.internal.prda.SpaceAlias;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Reading a per-CPU field through the alias address (the running CPU's loaded space, its alias entry,
 * the area) against reading the same field from an area already in hand, and against a plain Java
 * field read.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PrdaAliasBenchmark {

    PrdaCpu cpu;
    ByteBuffer area;
    long field = 3;

    @Setup
    public void build() {
        Cpu hardware = FakeHosts.withCpus("bench", 4).cpus().get(3);
        cpu = new PrdaCpu(hardware, 1);
        cpu.load(new SpaceAlias("bench", 4));
        area = hardware.dataArea();
    }

    @Benchmark
    public long alias() {
        return cpu.alias().getLong(PrdaCpu.CPU_ID);
    }

    @Benchmark
    public long areaInHand() {
        return area.getLong(PrdaCpu.CPU_ID);
    }

    @Benchmark
    public long plainField() {
        return field;
    }
}
