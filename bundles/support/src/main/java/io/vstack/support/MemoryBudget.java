package io.vstack.support;

import io.vstack.api.ByteSize;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * What memory the distribution's JVM has for one more request, so that a command or
 * configuration that sizes buffers, threads or tables can refuse a request <em>before</em> it
 * takes the memory (and the kernel or the heap gives out for every bundle at once).
 * <p><b>Rule.</b> A request may take at most half of what is free: the rest stays for the VMs,
 * caches and commands that share the JVM. Direct (off-heap) memory is bounded by
 * {@code -XX:MaxDirectMemorySize} and by the machine's physical memory less the heap, whichever
 * is smaller; the heap by {@code -Xmx}.
 * <p>Immutable; {@link #current()} samples the running JVM, the constructor takes figures (for tests).
 *
 * @param directLimit  bytes of direct memory the JVM may hold at most
 * @param directUsed   bytes of direct memory it holds now
 * @param heapLimit    bytes of heap the JVM may hold at most
 * @param heapUsed     bytes of heap in use now (live or not yet collected)
 */
public record MemoryBudget(long directLimit, long directUsed, long heapLimit, long heapUsed) {

    private static final String MAX_DIRECT = "-XX:MaxDirectMemorySize=";

    /**
     * @throws IllegalArgumentException if a figure is negative
     */
    public MemoryBudget {
        if (directLimit < 0 || directUsed < 0 || heapLimit < 0 || heapUsed < 0) {
            throw new IllegalArgumentException("negative memory figure");
        }
    }

    /**
     * The figures of the running JVM: its {@code -XX:MaxDirectMemorySize} (or, without one, its
     * maximum heap, as the JVM itself does) capped by physical memory less the heap, the direct
     * buffer pool's use, and the heap's maximum and use.
     */
    public static MemoryBudget current() {
        Runtime runtime = Runtime.getRuntime();
        long heapLimit = runtime.maxMemory();
        long directLimit = maxDirect(ManagementFactory.getRuntimeMXBean().getInputArguments(), heapLimit);
        long physical = physicalMemory();
        if (physical > heapLimit) {
            directLimit = Math.min(directLimit, physical - heapLimit);
        }
        long directUsed = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> "direct".equals(pool.getName())).mapToLong(BufferPoolMXBean::getMemoryUsed)
                .findFirst().orElse(0);
        return new MemoryBudget(directLimit, Math.max(0, directUsed), heapLimit,
                Math.max(0, runtime.totalMemory() - runtime.freeMemory()));
    }

    /** The last {@code -XX:MaxDirectMemorySize} among the JVM's arguments, or {@code fallback} without one. */
    static long maxDirect(List<String> jvmArguments, long fallback) {
        long limit = fallback;
        for (String argument : jvmArguments) {
            if (argument.startsWith(MAX_DIRECT)) {
                try {
                    limit = ByteSize.parse(argument.substring(MAX_DIRECT.length())).bytes();
                } catch (IllegalArgumentException e) {
                    limit = fallback;       // the JVM would not have started with it; keep the default
                }
            }
        }
        return limit;
    }

    /** Physical memory of the machine (or of the container), or 0 if the platform does not say (then it bounds nothing). */
    public static long physicalMemory() {
        try {
            Object value = ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(new ObjectName(ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME), "TotalMemorySize");
            return value instanceof Long bytes ? bytes : 0;
        } catch (JMException e) {
            return 0;
        }
    }

    /** Direct memory not in use. */
    public long directFree() {
        return Math.max(0, directLimit - directUsed);
    }

    /** Heap not in use. */
    public long heapFree() {
        return Math.max(0, heapLimit - heapUsed);
    }

    /**
     * Refuses a request for {@code bytes} of direct memory larger than half of what is free.
     *
     * @param request what asks, as the user typed it, e.g. {@code workload:run --threads 1024 x --bs 16M}
     * @throws IllegalArgumentException with one line naming the request, its need and what the distribution has
     */
    public void requireDirect(String request, long bytes) {
        require(request, bytes, "direct memory", directFree(), directLimit);
    }

    /**
     * Refuses a request for {@code bytes} of heap larger than half of what is free.
     *
     * @param request what asks, as the user typed it, e.g. {@code cache:simulate --size 1000000000}
     * @throws IllegalArgumentException with one line naming the request, its need and what the distribution has
     */
    public void requireHeap(String request, long bytes) {
        require(request, bytes, "heap", heapFree(), heapLimit);
    }

    private static void require(String request, long bytes, String kind, long free, long limit) {
        if (bytes < 0 || bytes > free / 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s needs %s of %s; the distribution has %s free of %s (a request may take half of what is free)",
                    request, bytes < 0 ? "more than 8 EiB" : human(bytes), kind, human(free), human(limit)));
        }
    }

    /** {@code bytes} in the largest binary unit below it, e.g. {@code 1.9 GiB}, {@code 16 GiB}, {@code 512 B}. */
    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) {
            return bytes + " B";
        }
        String number = String.format(Locale.ROOT, "%.1f", value);
        return (number.endsWith(".0") ? number.substring(0, number.length() - 2) : number) + " " + units[unit];
    }

    /**
     * {@code a * b}, or -1 if it overflows (which every {@code require} method refuses).
     */
    public static long times(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? -1 : low;
    }
}
