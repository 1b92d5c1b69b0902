package io.vstack.api.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BlockKeysTest {

    @Test
    void packsAndUnpacksDiskAndBlock() {
        long key = BlockKeys.key(BlockKeys.MAX_DISK_INDEX, (1L << BlockKeys.BLOCK_BITS) - 1);
        assertEquals(BlockKeys.MAX_DISK_INDEX, BlockKeys.diskIndex(key));
        assertEquals((1L << BlockKeys.BLOCK_BITS) - 1, BlockKeys.block(key));
        assertNotEquals(BlockKeys.key(1, 7), BlockKeys.key(2, 7));
        assertEquals(7, BlockKeys.block(BlockKeys.key(3, 7)));
    }

    @Test
    void refusesOutOfRangeParts() {
        assertThrows(IllegalArgumentException.class, () -> BlockKeys.key(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> BlockKeys.key(BlockKeys.MAX_DISK_INDEX + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> BlockKeys.key(0, 1L << BlockKeys.BLOCK_BITS));
    }

    @Test
    void statsComputeRatioAndBytes() {
        CacheStats stats = new CacheStats(3, 1, 1, 0, 0, 2, 8, 4096);
        assertEquals(0.75, stats.hitRatio());
        assertEquals(8192, stats.residentBytes());
        assertEquals(0.0, new CacheStats(0, 0, 0, 0, 0, 0, 8, 4096).hitRatio());
    }
}
