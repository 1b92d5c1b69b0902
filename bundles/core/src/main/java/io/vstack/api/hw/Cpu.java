package io.vstack.api.hw;

import java.nio.ByteBuffer;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A CPU of a host, with its per-CPU data area (the PRDA): a fixed block of off-heap memory
 * private to that CPU.
 * <p>Thread-safe. The data area is shared by whoever runs on this CPU; callers coordinate.
 */
@ProviderType
public interface Cpu {

    /** The CPU's index on its host, from 0. */
    int index();

    /**
     * The per-CPU data area: a new view (position 0, limit its size) of memory that stays the
     * same for the life of the host. Writes through any view are seen through every other.
     */
    ByteBuffer dataArea();
}
