package io.vstack.memory.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.memory.GrantStatus;
import io.vstack.api.memory.MemoryException;
import io.vstack.api.testing.SystemOut;
import io.vstack.memory.internal.handle.Broker;
import io.vstack.memory.internal.handle.CopyMeter;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryCommandsTest {

    @TempDir
    Path dir;

    private Broker broker;

    @BeforeEach
    void open() throws Exception {
        broker = new Broker(dir.resolve("state"), dir.resolve("regions"), 2 << 20, Clock.systemUTC(), new CopyMeter());
    }

    @AfterEach
    void close() {
        broker.close();
    }

    @Test
    void createGrantListAndRevoke() throws Exception {
        RegionCreateCommand create = new RegionCreateCommand();
        create.broker = broker;
        create.owner = "alice";
        create.size = "8M";
        String created = SystemOut.capture(create::execute);
        assertTrue(created.startsWith("Created region r1 of 8.0M owned by 'alice' at "), created);

        GrantCommand grant = new GrantCommand();
        grant.broker = broker;
        grant.regionId = "r1";
        grant.length = "4M";
        grant.readOnly = true;
        grant.maxMaps = 3;
        grant.expires = "10m";
        String out = SystemOut.capture(grant::execute);
        GrantStatus g = broker.grants().get(0);
        assertTrue(out.startsWith("Grant " + g.grant().id() + " of region r1 [0, +4194304) to 'vstack': read-only, expires "),
                out);
        assertTrue(out.contains("max-maps 3") && out.contains("Token: vmg1."), out);
        broker.map(g.grant().token()).slice(0, 8);

        HandlesCommand handles = new HandlesCommand();
        handles.broker = broker;
        handles.noFormat = true;
        String table = SystemOut.capture(handles::execute);
        assertTrue(table.contains(g.grant().id()) && table.contains("live"), table);
        assertTrue(table.contains("1/2") && table.contains("ro"), table);

        RevokeCommand revoke = new RevokeCommand();
        revoke.broker = broker;
        revoke.grantId = g.grant().id();
        assertEquals("Revoked grant " + g.grant().id(), SystemOut.capture(revoke::execute).strip());
        String after = SystemOut.capture(handles::execute);
        assertTrue(after.contains("revoked") && after.contains("no (revoked)"), after);
    }

    @Test
    void badInputIsOneLine() throws Exception {
        RegionCreateCommand create = new RegionCreateCommand();
        create.broker = broker;
        create.size = "lots";
        assertEquals("size 'lots': ", assertThrows(IllegalArgumentException.class, create::execute).getMessage()
                .substring(0, 13));
        create.size = "1M";
        create.execute();
        GrantCommand grant = new GrantCommand();
        grant.broker = broker;
        grant.regionId = "r9";
        assertEquals("no memory region 'r9' (mem:handles lists them)",
                assertThrows(MemoryException.class, grant::execute).getMessage());
        grant.regionId = "r1";
        grant.offset = "100";
        assertTrue(assertThrows(MemoryException.class, grant::execute).getMessage().contains("not page-aligned"));
        grant.offset = "0";
        grant.expires = "soon";
        assertTrue(assertThrows(IllegalArgumentException.class, grant::execute).getMessage().startsWith("--expires 'soon': "));
        RevokeCommand revoke = new RevokeCommand();
        revoke.broker = broker;
        revoke.grantId = "nope";
        assertTrue(assertThrows(MemoryException.class, revoke::execute).getMessage().startsWith("no live grant nope"));
    }
}
