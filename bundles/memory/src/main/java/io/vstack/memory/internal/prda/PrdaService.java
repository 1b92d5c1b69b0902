package io.vstack.memory.internal.prda;

import io.vstack.api.UserText;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.memory.PerCpuAreas;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The per-CPU data areas of the hosts: a {@link PrdaMachine} per host, built on first use (it
 * stamps each CPU's id in its area) and rebuilt if the host is replaced. Exercises start their CPU
 * threads per run and join them before returning; nothing runs in between.
 */
@Component(service = PerCpuAreas.class)
public final class PrdaService implements PerCpuAreas {

    private final HostRegistry hosts;
    private final Map<String, PrdaMachine> machines = new ConcurrentHashMap<>();

    @Activate
    public PrdaService(@Reference HostRegistry hosts) {
        this.hosts = hosts;
    }

    @Override
    public List<PrdaArea> areas(String host) {
        return machine(host).areas();
    }

    @Override
    public PrdaRun exercise(String host, int contexts, long operations, long seed) throws InterruptedException {
        return machine(host).run(contexts, operations, seed, ExecutionContext.Variant.ALIAS_EACH_ACCESS);
    }

    private PrdaMachine machine(String name) {
        Host host = hosts.host(name).orElseThrow(() -> new IllegalArgumentException("no host named " + UserText.quote(name)));
        return machines.compute(name, (k, m) -> m != null && m.host() == host ? m : new PrdaMachine(host));
    }
}
