package io.vstack.transport.internal;

import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.ProtocolHandler;
import io.vstack.api.transport.Transport;
import io.vstack.api.transport.TransportConnection;
import io.vstack.api.transport.TransportException;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The OSGi face of {@link TransportService}: the {@link Transport} service, configured by
 * {@value #PID}, and the whiteboard of {@link ProtocolHandler} services.
 */
@Component(service = Transport.class, immediate = true, configurationPid = TransportComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = TransportComponent.Config.class)
public final class TransportComponent implements Transport {

    static final String PID = "io.vstack.transport";

    /** Configuration of {@value #PID}. */
    @ObjectClassDefinition(id = PID, name = "vstack transport",
            description = "The framed TCP transport that block protocols use between hosts and processes")
    public @interface Config {
        @AttributeDefinition(description = "Address the transport server listens on (loopback by default)")
        String bindAddress() default "127.0.0.1";

        @AttributeDefinition(type = AttributeType.INTEGER, min = "0", max = "65535",
                description = "Port the transport server listens on; 0 = a free port chosen at start (owner records name it)")
        String port() default "0";

        @AttributeDefinition(description = "How long a connect and its handshake may take, e.g. 5s")
        String connectTimeout() default "5s";

        @AttributeDefinition(description = "How long a request waits for its reply unless its caller says otherwise, e.g. 10s")
        String requestTimeout() default "10s";

        @AttributeDefinition(description = "How long a peer may stall in the middle of a frame before its connection is closed, e.g. 5s")
        String frameTimeout() default "5s";

        @AttributeDefinition(type = AttributeType.INTEGER, min = "1", max = "256",
                description = "Threads that run protocol handlers (1..256)")
        String workers() default "4";

        @AttributeDefinition(description = "The largest payload one frame may carry (4KiB..64MiB)")
        String maxFrame() default "16MiB";
    }

    private final ConfigGuard<Config, TransportSettings> settings;
    private final TransportService transport;

    /** Binds and starts the I/O thread; with the defaults if the configuration is refused. */
    @Activate
    public TransportComponent(Config config) {
        this.settings = ConfigGuard.start(config, ConfigGuard.defaults(Config.class), TransportComponent::parse);
        this.transport = new TransportService(settings.current()).start();
    }

    /** Timeouts apply in place; the address, port, workers and frame bound only at a restart. */
    @Modified
    void modified(Config config) {
        settings.update(config, (previous, next) -> {
            ConfigKeys.requireUnchanged(PID, "bindAddress", previous.bindAddress().getHostAddress(),
                    next.bindAddress().getHostAddress());
            ConfigKeys.requireUnchanged(PID, "port", previous.port(), next.port());
            ConfigKeys.requireUnchanged(PID, "workers", previous.workers(), next.workers());
            ConfigKeys.requireUnchanged(PID, "maxFrame", previous.maxPayload(), next.maxPayload());
            transport.settings(next);
        });
    }

    /**
     * Parses a configuration.
     *
     * @throws IllegalArgumentException {@code "io.vstack.transport: key '<key>': <reason>"}
     */
    static TransportSettings parse(Config c) {
        InetAddress bind = ConfigKeys.parse(PID, "bindAddress", () -> {
            try {
                return InetAddress.getByName(c.bindAddress().trim());
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + c.bindAddress() + "' is not an address", e);
            }
        });
        int port = ConfigKeys.wholeNumber(PID, "port", c.port(), 0, 65535);
        Duration connect = positive("connectTimeout", c.connectTimeout());
        Duration request = positive("requestTimeout", c.requestTimeout());
        Duration frame = positive("frameTimeout", c.frameTimeout());
        int workers = ConfigKeys.wholeNumber(PID, "workers", c.workers(), 1, 256);
        long maxFrame = ConfigKeys.size(PID, "maxFrame", c.maxFrame(), false);
        if (maxFrame < 4096 || maxFrame > 64L << 20) {
            throw new IllegalArgumentException(PID + ": key 'maxFrame': must be from 4KiB to 64MiB");
        }
        return new TransportSettings(bind, port, connect, request, frame, workers, 1024, (int) maxFrame);
    }

    private static Duration positive(String key, String text) {
        Duration d = ConfigKeys.duration(PID, key, text);
        if (d.isZero()) {
            throw new IllegalArgumentException(PID + ": key '" + key + "': must be more than 0");
        }
        return d;
    }

    /** The settings in force. */
    TransportSettings settings() {
        return settings.current();
    }

    @Reference(name = "handler", service = ProtocolHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindHandler")
    void bindHandler(ProtocolHandler handler, Map<String, Object> properties) {
        Object name = properties.get(ProtocolHandler.PROTOCOL_PROPERTY);
        if (name != null) {
            transport.addHandler(name.toString(), handler);
        }
    }

    void unbindHandler(ProtocolHandler handler, Map<String, Object> properties) {
        Object name = properties.get(ProtocolHandler.PROTOCOL_PROPERTY);
        if (name != null) {
            transport.removeHandler(name.toString(), handler);
        }
    }

    @Override
    public Optional<Endpoint> localEndpoint() {
        return transport.localEndpoint();
    }

    @Override
    public List<String> protocols() {
        return transport.protocols();
    }

    @Override
    public TransportConnection connect(Endpoint endpoint) throws TransportException {
        return transport.connect(endpoint);
    }

    @Deactivate
    void deactivate() {
        transport.close();
    }
}
