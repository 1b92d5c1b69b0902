package io.vstack.disks.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vstack.api.replication.RecoveryPoint;
import io.vstack.api.replication.ReplicaStatus;
import io.vstack.api.replication.ReplicationException;
import io.vstack.api.replication.ReplicationService;
import io.vstack.api.testing.SystemOut;
import io.vstack.api.transport.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The replica: commands over a replication service that answers with fixed figures. */
class ReplicaCommandsTest {

    private static final Instant SEALED = Instant.parse("2026-12-07T23:00:00Z");

    private final ReplicationService service = new ReplicationService() {
        @Override
        public ReplicaStatus enable(String diskId, Endpoint target, Duration rpo, int keep) {
            return new ReplicaStatus(diskId, ReplicaStatus.Role.PRIMARY, target.toString(), rpo, keep, "starting", 0, Optional.empty(),
                    0, 0, 0);
        }

        @Override
        public List<ReplicaStatus> status() {
            return List.of(new ReplicaStatus("d1", ReplicaStatus.Role.PRIMARY, "127.0.0.1:7450", Duration.ofSeconds(30), 8,
                    "replicating", 3, Optional.of(SEALED), 12, 4096, 1));
        }

        @Override
        public List<RecoveryPoint> points(String diskId) throws ReplicationException {
            if (!diskId.equals("d1")) {
                throw new ReplicationException("this site holds no recovery points of disk '" + diskId + "'");
            }
            return List.of(new RecoveryPoint(3, "d1.rp3", SEALED, 2, 8192));
        }

        @Override
        public String testFailover(String diskId, long sequence, String name) {
            return name;
        }

        @Override
        public String failover(String diskId) {
            return diskId;
        }

        @Override
        public void disable(String diskId) {
        }
    };

    @Test
    void statusAsJsonAndAsATable() throws Exception {
        ReplicaStatusCommand status = new ReplicaStatusCommand();
        status.replication = service;
        status.json = true;
        JsonNode row = new ObjectMapper().readTree(SystemOut.capture(status::execute)).get(0);
        assertEquals("d1", row.get("disk").asText());
        assertEquals("primary", row.get("role").asText());
        assertEquals(30_000, row.get("rpoMillis").asLong());
        assertEquals(3, row.get("lastSequence").asLong());
        assertEquals(SEALED.toString(), row.get("lastPointAt").asText());
        assertEquals(1, row.get("resends").asLong());
        status.json = false;
        status.noFormat = true;
        String line = SystemOut.capture(status::execute).lines().filter(l -> l.startsWith("d1")).findFirst().orElseThrow();
        assertTrue(line.matches("d1\\s+primary\\s+127.0.0.1:7450\\s+30s\\s+8\\s+3\\s+\\S+\\s+12\\s+4K?\\S*\\s+1\\s+replicating\\s*"), line);
    }

    @Test
    void pointsAndTheirErrors() throws Exception {
        ReplicaPointsCommand points = new ReplicaPointsCommand();
        points.replication = service;
        points.noFormat = true;
        points.disk = "d1";
        String out = SystemOut.capture(points::execute);
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("3") && l.contains("d1.rp3") && l.contains("2026-12-07T23:00:00Z")), out);
        points.disk = "nope";
        assertEquals("this site holds no recovery points of disk 'nope'",
                assertThrows(ReplicationException.class, () -> SystemOut.capture(points::execute)).getMessage());
    }

    @Test
    void enableRefusesAnRpoThatIsNotADuration() {
        ReplicaEnableCommand enable = new ReplicaEnableCommand();
        enable.replication = service;
        enable.disk = "d1";
        enable.target = "127.0.0.1:7450";
        enable.rpo = "soon";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SystemOut.capture(enable::execute));
        assertTrue(e.getMessage().contains("soon"), e.getMessage());
    }
}
