package io.vstack.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.io.DiskUnavailableException;
import io.vstack.api.io.InvalidIoException;
import io.vstack.api.io.IoOp;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryDiskTest {

    @Test
    void storesBytesThroughFiltersInOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        InMemoryDisk disk = new InMemoryDisk("d1", 64 * 1024, 4096)
                .withFilter("a", (request, next) -> {
                    seen.add("a:" + request.op());
                    next.proceed(request);
                })
                .withFilter("b", (request, next) -> {
                    seen.add("b:" + request.op());
                    next.proceed(request);
                });
        try (DiskHandle handle = disk.open("test")) {
            ByteBuffer out = ByteBuffer.allocate(4096);
            out.put(0, (byte) 42);
            handle.write(8192, out);
            assertEquals(4096, out.position());
            ByteBuffer in = ByteBuffer.allocate(4096);
            handle.read(8192, in);
            assertEquals(4096, in.position());
            assertEquals(42, in.get(0));
            handle.trim(8192, 4096);
            in.clear();
            handle.read(8192, in);
            assertEquals(0, in.get(0));
        }
        assertEquals(List.of("a:WRITE", "b:WRITE", "a:READ", "b:READ", "a:TRIM", "b:TRIM", "a:READ", "b:READ"), seen);
        assertEquals(2, disk.count(IoOp.READ));
        try (DiskHandle below = disk.openAt("test", "b")) {
            below.flush();
        }
        assertEquals("b:FLUSH", seen.get(seen.size() - 1));
    }

    @Test
    void refusesMisalignedOrOutOfRangeIoAndRemovedDisks() throws Exception {
        InMemoryDisk disk = new InMemoryDisk("d1", 8192, 4096);
        DiskHandle handle = disk.open("test");
        assertThrows(InvalidIoException.class, () -> handle.read(100, ByteBuffer.allocate(4096)));
        assertThrows(InvalidIoException.class, () -> handle.read(4096, ByteBuffer.allocate(8192)));
        disk.remove();
        assertThrows(DiskUnavailableException.class, () -> handle.read(0, ByteBuffer.allocate(4096)));
    }
}
