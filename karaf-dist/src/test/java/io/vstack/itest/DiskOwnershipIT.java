package io.vstack.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.vstack.api.disk.DiskHandle;
import io.vstack.api.disk.DiskManager;
import io.vstack.api.io.StaleEpochException;
import io.vstack.api.transport.Endpoint;
import io.vstack.api.transport.Transport;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/**
 * Collaborative release in the real distribution: hosts esx1 and esx2 hand a disk to each other
 * with disk:acquire and disk:release, asking over the transport on loopback (the process's own
 * endpoint); a handle opened under the old owner can no longer write. The transport endpoint
 * answers a corrupt frame with an error and goes on serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DiskOwnershipIT {

    @Inject
    DiskManager disks;

    @Inject
    Transport transport;

    @Inject
    SessionFactory sessionFactory;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return VstackDistribution.options();
    }

    private String execute(String command) throws Exception {
        return Shell.execute(sessionFactory, command);
    }

    private static ByteBuffer block(long value) {
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        for (int i = 0; i < 4096; i += 8) {
            b.putLong(i, value);
        }
        return b;
    }

    @Test
    public void aDiskMovesBetweenHostsByReleaseAndTheOldOwnersWritesAreFenced() throws Exception {
        Frameworks.await(context, "esx1");
        Frameworks.await(context, "esx2");
        Eventually.await("the disk-owner protocol is served", () -> transport.protocols().contains("disk-owner"));
        Endpoint endpoint = transport.localEndpoint().orElseThrow();
        assertTrue(execute("disk:create --size 16M --host esx1 shared1").contains("Created disk shared1"));
        Eventually.await("the lease thread records the endpoint", () -> {
            try {
                return execute("disk:owner --no-format shared1").contains(endpoint.toString());
            } catch (Exception e) {
                return false;
            }
        });
        String owner = execute("disk:owner --no-format shared1");
        assertTrue(owner, owner.matches("(?s).*shared1\\s+esx1\\s+" + endpoint.toString().replace(".", "\\.")
                + "\\s+1\\s+until .* left\\)\\s+owned.*"));

        try (DiskHandle old = disks.disk("shared1").orElseThrow().open("it")) {
            old.write(0, block(42));
            String acquired = execute("disk:acquire shared1 esx2");
            assertTrue(acquired, acquired.startsWith("Disk shared1: owned by esx2 at epoch 2 (was esx1, epoch 1) in "));
            try {
                old.write(0, block(43));
                fail("a write of epoch 1 after the hand-off must be refused");
            } catch (StaleEpochException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("the disk is at epoch 2, owned by esx2"));
            }
        }
        assertTrue(execute("disk:list --no-format").lines().anyMatch(l -> l.matches("shared1\\s+16M\\s+4096\\s+local\\s+esx2\\s.*")));
        try (DiskHandle h = disks.disk("shared1").orElseThrow().open("it")) {
            ByteBuffer back = ByteBuffer.allocateDirect(4096);
            h.read(0, back);
            assertEquals("the old owner's write before the hand-off is there", 42, back.getLong(0));
            h.write(4096, block(44));
        }

        assertEquals("Disk shared1: released by esx2 at epoch 2 (flushed); the next owner takes epoch 3",
                execute("disk:release shared1").trim());
        assertTrue(execute("disk:owner --no-format shared1").contains("released"));
        String json = execute("disk:owner --json shared1");
        assertTrue(json, json.contains("\"host\":\"esx2\"") && json.contains("\"epoch\":2") && json.contains("\"released\":true"));
        assertTrue(execute("disk:acquire shared1 esx1").contains("owned by esx1 at epoch 3 (was esx2, epoch 2, released)"));
        assertTrue(execute("disk:acquire shared1 esx1").contains("owned by esx1 already (epoch 3)"));
    }

    @Test
    public void badInputIsAOneLineErrorAndACorruptFrameLeavesTheEndpointServing() throws Exception {
        Frameworks.await(context, "esx1");
        Eventually.await("the disk-owner protocol is served", () -> transport.protocols().contains("disk-owner"));
        assertOneLineError("disk:acquire nosuchdisk esx1", "no disk named 'nosuchdisk'; disk:list shows the disks");
        assertTrue(execute("disk:create --size 16M --host esx1 shared2").contains("Created disk shared2"));
        assertOneLineError("disk:acquire shared2 nosuchhost", "no host named 'nosuchhost'; host:list shows the hosts");
        assertOneLineError("disk:acquire --timeout soon shared2 esx2", "--timeout 'soon' is not a duration");
        assertOneLineError("disk:owner nosuchdisk", "no disk named 'nosuchdisk'");
        assertOneLineError("disk:release nosuchdisk", "no disk named 'nosuchdisk'");

        Endpoint endpoint = transport.localEndpoint().orElseThrow();
        try (Socket s = new Socket(InetAddress.getByName(endpoint.host()), endpoint.port())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(new byte[] {0x56, 0x53, 0x54, 0x58, 0, 1, 0, 0, 0, 0, 0x10, 0});
            DataInputStream in = new DataInputStream(s.getInputStream());
            in.readNBytes(12);
            // A request frame for protocol "x", id 9, whose CRC is wrong.
            s.getOutputStream().write(new byte[] {1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 'x'});
            assertEquals("ERROR", 3, in.readUnsignedByte());
            assertEquals("CRC error", 1, in.readUnsignedByte());
            in.readUnsignedShort();
            in.readInt();
            assertEquals("the request id", 9, in.readLong());
        }
        assertTrue(execute("disk:acquire shared2 esx2").contains("owned by esx2 at epoch 2"));
    }

    private void assertOneLineError(String command, String expected) throws Exception {
        Shell.assertOneLineError(sessionFactory, command, expected);
    }
}
