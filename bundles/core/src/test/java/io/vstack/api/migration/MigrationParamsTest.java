package io.vstack.api.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MigrationParamsTest {

    @Test
    void thePostcopyCapIsItsOwnParameterAndNoneByDefault() {
        MigrationParams p = MigrationParams.defaults().withMaxBandwidth(100).withMaxPostcopyBandwidth(200);
        assertEquals(100, p.maxBandwidth());
        assertEquals(200, p.maxPostcopyBandwidth());
        assertEquals(200, p.withMode(MigrationMode.POSTCOPY).withChannels(2).maxPostcopyBandwidth(), "kept by the other withers");
        assertEquals(0, MigrationParams.defaults().maxPostcopyBandwidth());
        assertEquals(0, MigrationParams.qemuDefaults().maxPostcopyBandwidth(), "QEMU's max-postcopy-bandwidth is 0 too");
        MigrationParams old = new MigrationParams(MigrationMode.POSTCOPY, Duration.ofMillis(20), 5, 0, 0, true, 50, 20, 10, 99, 0, false);
        assertEquals(5, old.maxBandwidth());
        assertEquals(0, old.maxPostcopyBandwidth(), "the API 1.1 constructor has no post-copy cap");
        assertEquals("max-postcopy-bandwidth must not be negative: -1",
                assertThrows(IllegalArgumentException.class, () -> MigrationParams.defaults().withMaxPostcopyBandwidth(-1)).getMessage());
    }
}
