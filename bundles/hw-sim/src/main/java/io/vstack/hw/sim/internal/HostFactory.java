package io.vstack.hw.sim.internal;

import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.metrics.MetricSource;
import io.vstack.support.KarafData;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each {@code io.vstack.hw.host} factory configuration into a simulated host, registered
 * as a {@link Host} (and {@link MetricSource}) service; hosts appear and disappear as
 * configurations are added and removed. Also the {@link HostRegistry}.
 * <p>A {@link ManagedServiceFactory} rather than a DS factory component, so that a bad
 * configuration is refused with one clear log line before anything is created.
 */
@Component(service = {ManagedServiceFactory.class, HostRegistry.class}, immediate = true,
        property = Constants.SERVICE_PID + "=" + HostConfig.FACTORY_PID)
public final class HostFactory implements ManagedServiceFactory, HostRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(HostFactory.class);

    private final HostInventory inventory;

    /** Creates the factory; hosts come as Config Admin delivers their configurations. */
    @Activate
    public HostFactory(BundleContext context) {
        Path dataDir = KarafData.of(context);
        this.inventory = new HostInventory(dataDir, host -> publish(context, host));
        LOG.info("Simulated hardware ready; hosts come from {} factory configurations under {}",
                HostConfig.FACTORY_PID, dataDir);
    }

    private static Runnable publish(BundleContext context, SimulatedHost host) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(Host.NAME_PROPERTY, host.name());
        properties.put(MetricSource.SOURCE_PROPERTY, host.source());
        ServiceRegistration<?> registration = context.registerService(
                new String[] {Host.class.getName(), MetricSource.class.getName()}, host, properties);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("host {} was already unregistered", host.name(), alreadyGone);
            }
        };
    }

    @Override
    public String getName() {
        return "vstack simulated hosts";
    }

    @Override
    public void updated(String pid, Dictionary<String, ?> properties) {
        inventory.update(pid, properties);
    }

    @Override
    public void deleted(String pid) {
        inventory.delete(pid);
    }

    @Override
    public List<Host> hosts() {
        return inventory.hosts();
    }

    @Override
    public Optional<Host> host(String name) {
        return inventory.host(name);
    }

    @Deactivate
    void deactivate() {
        inventory.clear();
    }
}
