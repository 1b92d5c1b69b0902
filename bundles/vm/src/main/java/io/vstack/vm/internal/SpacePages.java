package io.vstack.vm.internal;

import io.vstack.api.memory.Access;
import io.vstack.api.memory.AddressSpace;
import io.vstack.api.memory.AddressSpaceException;
import io.vstack.api.memory.AddressSpaces;
import io.vstack.api.memory.Protection;
import io.vstack.api.vm.VmSpec;
import java.nio.ByteBuffer;

/**
 * Guest pages in an {@link AddressSpace} of the memory bundle: guest page {@code pfn} is the page
 * at address {@code pfn * 4096} of one read-write mapping, demand-paged (a page gets a host frame
 * on its first touch, through a page fault) and reclaimable. Migration reads and writes the pages
 * through the same views as with frames.
 * <p>A guest access the space cannot serve (the host has no free frame) fails the access with an
 * {@link IllegalStateException} naming the VM and the reason.
 */
final class SpacePages implements GuestPages {

    private final String vm;
    private final AddressSpaces spaces;
    private final AddressSpace space;
    private final long count;

    private SpacePages(String vm, AddressSpaces spaces, AddressSpace space, long count) {
        this.vm = vm;
        this.spaces = spaces;
        this.space = space;
        this.count = count;
    }

    /** A new space for VM {@code spec}'s guest memory on its host, mapped and untouched. */
    static SpacePages create(AddressSpaces spaces, VmSpec spec) throws AddressSpaceException {
        String name = AddressSpaces.guestSpaceName(spec.name(), spec.host());
        spaces.destroy(name); // left by an earlier run of this VM on this host (guest memory does not survive a stop)
        AddressSpace space = spaces.create(name, spec.host());
        try {
            space.map(0, spec.memory(), Protection.READ_WRITE);
        } catch (AddressSpaceException e) {
            spaces.destroy(name);
            throw e;
        }
        return new SpacePages(spec.name(), spaces, space, spec.pages());
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public ByteBuffer page(int pfn) {
        try {
            return space.page((long) pfn * VmSpec.PAGE_SIZE, Access.WRITE);
        } catch (AddressSpaceException e) {
            throw failed(e);
        }
    }

    @Override
    public ByteBuffer readOnlyPage(int pfn) {
        try {
            return space.page((long) pfn * VmSpec.PAGE_SIZE, Access.READ);
        } catch (AddressSpaceException e) {
            throw failed(e);
        }
    }

    @Override
    public void fill(int pfn, int offset, int length, long value) {
        long base = (long) pfn * VmSpec.PAGE_SIZE + offset;
        try {
            for (int i = 0; i < length; i += Long.BYTES) {
                space.store(base + i, value);
            }
        } catch (AddressSpaceException e) {
            throw failed(e);
        }
    }

    @Override
    public long load(int pfn, int offset) {
        try {
            return space.load((long) pfn * VmSpec.PAGE_SIZE + offset);
        } catch (AddressSpaceException e) {
            throw failed(e);
        }
    }

    @Override
    public void release() {
        spaces.destroy(space.name());
    }

    private IllegalStateException failed(AddressSpaceException e) {
        return new IllegalStateException("guest memory of VM " + vm + ": " + e.getMessage(), e);
    }
}
