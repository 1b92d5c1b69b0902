package io.vstack.support;

import java.nio.file.Path;
import org.osgi.framework.BundleContext;

/**
 * Where vstack keeps its state by default: Karaf's data directory ({@code ${karaf.data}}), or,
 * outside Karaf (a plain OSGi framework), the calling bundle's own data area. The one place that
 * decides it; components add their own segments ({@code vstack/disks}, {@code vstack/vms}, ...).
 */
public final class KarafData {

    /** The framework property Karaf sets to its data directory. */
    public static final String PROPERTY = "karaf.data";

    private KarafData() {
    }

    /** {@code ${karaf.data}}, or the data area of {@code context}'s bundle where that property is not set. */
    public static Path of(BundleContext context) {
        String karafData = context.getProperty(PROPERTY);
        return karafData != null ? Path.of(karafData) : context.getDataFile("").toPath();
    }
}
