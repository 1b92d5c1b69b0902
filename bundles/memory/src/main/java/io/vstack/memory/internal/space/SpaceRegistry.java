package io.vstack.memory.internal.space;

import io.vstack.api.UserText;
import io.vstack.api.hw.Host;
import io.vstack.api.hw.HostRegistry;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.support.ConfigGuard;
import io.vstack.support.ConfigKeys;
import io.vstack.support.KarafData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The address spaces of this process, by name, each a {@link PagedSpace} on its host's physical
 * memory with a swap file under the swap directory. Which VMs run their guest memory on a space is
 * configuration ({@code guestVms}). Destroying the component destroys every space.
 */
@Component(service = AddressSpaces.class, configurationPid = SpaceRegistry.PID)
@Designate(ocd = SpaceRegistry.Config.class)
public final class SpaceRegistry implements AddressSpaces {

    static final String PID = "io.vstack.memory.spaces";
    private static final Logger LOG = LoggerFactory.getLogger(SpaceRegistry.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");

    /** Configuration of {@value #PID}. */
    @ObjectClassDefinition(name = "vstack address spaces", description = "Demand-paged address spaces and which VMs run on them")
    public @interface Config {
        /** VM name patterns. */
        @AttributeDefinition(description = "VMs whose guest memory runs on a demand-paged address space: names, or patterns"
                + " with *, separated by commas; empty: none (guest memory is host frames taken up front)")
        String guestVms() default "";

        /** Swap directory. */
        @AttributeDefinition(description = "Directory of the address spaces' swap files (reclaimed pages); empty:"
                + " ${karaf.data}/vstack/memory/swap")
        String swapDirectory() default "";
    }

    /**
     * Settings parsed from the configuration.
     *
     * @param guestVms      VM name patterns ({@code *} matches any run of characters)
     * @param swapDirectory where swap files go
     */
    record Settings(List<String> guestVms, Path swapDirectory) {

        static Settings parse(Config config, Path dataRoot) {
            List<String> patterns = ConfigKeys.parse(PID, "guestVms", () -> patterns(config.guestVms()));
            Path swap = ConfigKeys.writableDirectory(PID, "swapDirectory",
                    ConfigKeys.dataDirectory(config.swapDirectory(), dataRoot, "vstack", "memory", "swap"));
            return new Settings(patterns, swap);
        }

        static List<String> patterns(String text) {
            List<String> out = new ArrayList<>();
            for (String p : text.split(",")) {
                String t = p.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (!t.matches("[A-Za-z0-9._*-]{1,64}")) {
                    throw new IllegalArgumentException(UserText.quote(t) + " is not a VM name or pattern"
                            + " (letters, digits, '.', '_', '-', '*')");
                }
                out.add(t);
            }
            return List.copyOf(out);
        }

        boolean matches(String vm) {
            for (String p : guestVms) {
                String regex = Arrays.stream(p.split("\\*", -1)).map(Pattern::quote).reduce((a, b) -> a + ".*" + b).orElse("");
                if (vm.matches(regex)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final HostRegistry hosts;
    private final ConfigGuard<Config, Settings> settings;
    private final Map<String, PagedSpace> spaces = new ConcurrentSkipListMap<>();
    private final AtomicLong serial = new AtomicLong();

    @Activate
    public SpaceRegistry(@Reference HostRegistry hosts, Config config, BundleContext context) {
        this(hosts, ConfigGuard.start(config, ConfigGuard.defaults(Config.class), c -> Settings.parse(c, KarafData.of(context))));
    }

    /** A registry with settings made without Config Admin (tests, benchmarks). */
    public SpaceRegistry(HostRegistry hosts, List<String> guestVms, Path swapDirectory) {
        this(hosts, ConfigGuard.of(new Settings(List.copyOf(guestVms), swapDirectory),
                c -> Settings.parse(c, swapDirectory)));
    }

    private SpaceRegistry(HostRegistry hosts, ConfigGuard<Config, Settings> settings) {
        this.hosts = hosts;
        this.settings = settings;
        LOG.info("Address spaces ready: guest memory of VMs {} on demand-paged spaces, swap files in {}",
                settings.current().guestVms(), settings.current().swapDirectory());
    }

    @Modified
    void configure(Config config) {
        settings.update(config, (previous, next) -> LOG.info(
                "Address spaces: guest memory of VMs {} on demand-paged spaces, swap files in {} (for new spaces)",
                next.guestVms(), next.swapDirectory()));
    }

    @Deactivate
    void deactivate() {
        for (String name : List.copyOf(spaces.keySet())) {
            destroy(name);
        }
        LOG.info("Address spaces destroyed");
    }

    @Override
    public AddressSpace create(String name, String hostName) throws AddressSpaceException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid address space name " + UserText.quote(name)
                    + ": use letters, digits, '.', '_', ':', '@' or '-' (at most 128)");
        }
        Host host = hosts.host(hostName)
                .orElseThrow(() -> new IllegalArgumentException("no host named " + UserText.quote(hostName)));
        Path swap = settings.current().swapDirectory()
                .resolve(name.replace(':', '_').replace('@', '_') + "-" + serial.incrementAndGet() + ".swap");
        PagedSpace space = PagedSpace.create(name, hostName, host.memory(), swap);
        if (spaces.putIfAbsent(name, space) != null) {
            destroyQuietly(space);
            throw new IllegalArgumentException("an address space named " + UserText.quote(name) + " exists already");
        }
        LOG.debug("Address space {} created on host {}", name, hostName);
        return space;
    }

    @Override
    public Optional<AddressSpace> find(String name) {
        return Optional.ofNullable(spaces.get(name));
    }

    @Override
    public List<AddressSpace> list() {
        return List.copyOf(spaces.values());
    }

    @Override
    public boolean destroy(String name) {
        PagedSpace space = spaces.remove(name);
        if (space == null) {
            return false;
        }
        destroyQuietly(space);
        return true;
    }

    private static void destroyQuietly(PagedSpace space) {
        try {
            space.destroy();
        } catch (IOException e) {
            LOG.warn("Address space {}: its swap file could not be deleted: {}", space.name(), e.getMessage());
        }
    }

    @Override
    public boolean backsGuestMemory(String vmName) {
        return settings.current().matches(vmName);
    }
}
