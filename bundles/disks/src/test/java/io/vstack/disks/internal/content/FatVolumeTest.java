package io.vstack.disks.internal.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vstack.api.testing.FatImages;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FAT32 synthesis: names (validity, 8.3 aliases, long-name checksums), the allocation and
 * its cluster chains, and whole volumes checked by the independent tools {@code fsck.fat} and
 * mtools against the tree they were made from.
 */
class FatVolumeTest {

    @TempDir
    Path dir;

    // ---- names ----------------------------------------------------------------------------------

    @Test
    void longNameChecksumIsTheSpecificationsRotateAndAdd() {
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] name = new byte[11];
            random.nextBytes(name);
            int rotated = 0;
            for (byte b : name) {
                rotated = ((rotated >>> 1) | (rotated << 7)) & 0xff;
                rotated = (rotated + (b & 0xff)) & 0xff;
            }
            assertEquals(rotated, FatNames.checksum(name));
        }
        // "README  TXT" by hand: the value the long-name entries of README.TXT carry.
        assertEquals(0x73, FatNames.checksum("README  TXT".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void plainEightDotThreeNamesNeedNoLongEntriesAndKeepTheirCase() {
        FatNames.Short lower = FatNames.exact("readme.txt");
        assertEquals("README.TXT", FatNames.key(lower.name()));
        assertEquals(0x18, lower.caseFlags());
        assertFalse(lower.needsLong());
        assertEquals(0x08, FatNames.exact("setup.EXE").caseFlags());
        assertEquals(0, FatNames.exact("AUTOEXEC.BAT").caseFlags());
        assertEquals("A1", FatNames.key(FatNames.exact("a1").name()));
        assertNull(FatNames.exact("ReadMe.txt"), "mixed case needs a long name");
        assertNull(FatNames.exact("toolongname.txt"));
        assertNull(FatNames.exact("a.b.c"));
        assertNull(FatNames.exact("with space.txt"));
        assertNull(FatNames.exact("a+b.txt"));
    }

    @Test
    void aliasesFollowTheBasisNameAlgorithm() {
        Set<String> taken = new HashSet<>();
        Map<String, Integer> tails = new HashMap<>();
        assertEquals("README.TXT", alias("ReadMe.txt", taken, tails), "fits 8.3 and lost nothing: no tail");
        assertEquals("README~1.TXT", alias("README.txt", taken, tails), "taken: a tail");
        assertEquals("LONGFI~1.TXT", alias("Long File Name.txt", taken, tails));
        assertEquals("LONGFI~2.TXT", alias("Long File Name 2.txt", taken, tails));
        assertEquals("BASHRC~1", alias(".bashrc", taken, tails), "leading dots dropped");
        assertEquals("A_B~1.TXT", alias("a+b.txt", taken, tails), "an invalid character is lossy");
        assertEquals("ARCHIV~1.GZ", alias("archive.tar.gz", taken, tails), "the last dot starts the extension");
        assertEquals("CAF_~1.TXT", alias("café.txt", taken, tails), "no code page: non-ASCII is lossy");
        assertEquals("DOCUME~1.HTM", alias("document.html", taken, tails));
        for (int n = 3; n <= 9; n++) {
            assertEquals("LONGFI~" + n + ".TXT", alias("Long File Name " + n + ".txt", taken, tails));
        }
        assertEquals("LONGF~10.TXT", alias("Long File Name 10.txt", taken, tails), "the basis shrinks for the tail");
        for (int n = 11; n <= 100; n++) {
            alias("Long File Name " + n + ".txt", taken, tails);
        }
        assertEquals("LONG~101.TXT", alias("Long File Name 101.txt", taken, tails));
    }

    private static String alias(String name, Set<String> taken, Map<String, Integer> tails) {
        FatNames.Short s = FatNames.alias(name, taken, tails);
        assertTrue(s.needsLong());
        return FatNames.key(s.name());
    }

    @Test
    void longNameEntriesCarryTheNameInReverseOrderWithTheChecksum() {
        String name = "A fairly long name.txt"; // 22 units: two entries
        byte[] dir = new byte[64];
        assertEquals(64, FatNames.writeLong(dir, 0, name, 0x5a));
        assertEquals(0x42, dir[0] & 0xff, "the last part first, flagged 0x40");
        assertEquals(0x01, dir[32] & 0xff);
        for (int e : new int[] {0, 32}) {
            assertEquals(0x0f, dir[e + 11]);
            assertEquals(0x5a, dir[e + 13] & 0xff);
            assertEquals(0, dir[e + 26] | dir[e + 27]);
        }
        assertEquals('A', dir[32 + 1]);
        // Part 2 holds characters 13..21 ("name.txt" after "A fairly long"), then the end mark and padding.
        assertEquals(" name.txt", new String(new char[] {(char) dir[1], (char) dir[3], (char) dir[5], (char) dir[7], (char) dir[9],
                (char) dir[14], (char) dir[16], (char) dir[18], (char) dir[20]}));
        assertEquals(0, dir[22] | dir[23], "one 0x0000 after the name's end");
        assertEquals((byte) 0xff, dir[24]);
        assertEquals((byte) 0xff, dir[31], "then 0xFFFF padding");
    }

    @Test
    void namesFatCannotHoldAreRefusedByName() {
        for (String bad : new String[] {"a:b", "what?", "star*", "pipe|x", "trailing.", "trailing ", "tab\there",
                "x".repeat(256)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FatVolume.build(List.of(AppFile.file("apps/" + bad, 1, 0, 4096)), 0, 1));
            assertTrue(e.getMessage().contains("FAT cannot hold the name"), e.getMessage());
            assertTrue(e.getMessage().startsWith("app file 'apps/"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
        IllegalArgumentException twins = assertThrows(IllegalArgumentException.class, () -> FatVolume.build(
                List.of(AppFile.file("Setup.exe", 1, 0, 4096), AppFile.file("SETUP.EXE", 1, 0, 8192)), 0, 1));
        assertTrue(twins.getMessage().contains("'SETUP.EXE' and 'Setup.exe'") && twins.getMessage().contains("ignore case"),
                twins.getMessage());
    }

    @Test
    void aFileOverFourGibibytesIsRefusedByName() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FatVolume.build(List.of(AppFile.file("big/disk.vmdk", 1L << 32, 0, 4096)), 0, 1));
        assertTrue(e.getMessage().contains("'big/disk.vmdk'") && e.getMessage().contains("4 GiB"), e.getMessage());
        Path big = dir.resolve("huge.iso");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 32); // sparse: takes no space
        }
        IllegalArgumentException planned = assertThrows(IllegalArgumentException.class, () -> AppSet.plan(List.of(big)));
        assertTrue(planned.getMessage().contains(big.toString()) && planned.getMessage().contains("4 GiB"), planned.getMessage());
    }

    @Test
    void missingAndUnreadableAppFilesAreRefusedByName() throws IOException {
        Path missing = dir.resolve("nope.dll");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppSet.plan(List.of(missing)));
        assertEquals("app file '" + missing + "' does not exist", e.getMessage());
        Path locked = Files.writeString(dir.resolve("locked.dll"), "x");
        locked.toFile().setReadable(false, false);
        if (!Files.isReadable(locked)) { // root reads everything: then only the missing file is checked
            IllegalArgumentException denied = assertThrows(IllegalArgumentException.class, () -> AppSet.plan(List.of(locked)));
            assertTrue(denied.getMessage().contains("cannot be read"), denied.getMessage());
        }
    }

    @Test
    void aDirectoryBeyondFatsEntryLimitIsRefusedByName() {
        List<AppFile> many = new ArrayList<>();
        for (int i = 0; i < 33_000; i++) {
            many.add(AppFile.file("crowded/a file with a long name " + i + ".txt", 0, 0, 4096));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FatVolume.build(many, 0, 1));
        assertTrue(e.getMessage().startsWith("app directory 'crowded' needs"), e.getMessage());
    }

    // ---- allocation and chains ----------------------------------------------------------------

    @Test
    void filesGetContiguousChainsAndEmptyFilesNone() {
        List<AppFile> entries = List.of(
                AppFile.file("empty", 0, 0, 4096),
                AppFile.file("one", 1, 0, 4096),
                AppFile.file("block", 4096, 0, 8192),
                AppFile.file("block+1", 4097, 0, 12288),
                AppFile.file("three+", 3 * 4096 + 1, 0, 20480));
        FatVolume v = FatVolume.build(entries, 0, 1);
        assertEquals(0x0FFFFFF8, v.fatEntry(0));
        assertEquals(0x0FFFFFFF, v.fatEntry(1));
        int eoc = 0x0FFFFFFF;
        // cluster 2: the root; then the files in catalog order (the empty one has none)
        int[] expected = {eoc, eoc, eoc, 6, eoc, 8, 9, 10, eoc, 0, 0};
        for (int c = 2; c < 2 + expected.length; c++) {
            assertEquals(expected[c - 2], v.fatEntry(c), "FAT entry of cluster " + c);
        }
        assertEquals(1 + 1 + 1 + 2 + 4, v.usedClusters());
        assertTrue(v.clusters() >= FatVolume.MIN_CLUSTERS, "FAT32 needs 65,525 clusters");
        assertEquals(0, v.size() % (32 * 512), "a whole number of 32-sector tracks");
        assertEquals(0, v.dataStart() % 4096, "clusters are 4 KiB blocks");
    }

    @Test
    void theSameCatalogGivesTheSameBytes() throws Exception {
        List<AppFile> entries = List.of(AppFile.directory("d", 1_600_000_000_000L), AppFile.file("d/Some File.txt", 10, 0, 4096));
        FatVolume a = FatVolume.build(entries, 100, 9);
        FatVolume b = FatVolume.build(entries, 100, 9);
        ByteBuffer x = ByteBuffer.allocate((int) a.dataStart() + 2 * 4096);
        ByteBuffer y = ByteBuffer.allocate(x.capacity());
        a.read(0, x, (off, dst) -> dst.position(dst.limit()));
        b.read(0, y, (off, dst) -> dst.position(dst.limit()));
        assertArrayEquals(x.array(), y.array());
    }

    // ---- whole volumes, checked by fsck.fat and mtools -----------------------------------------

    @Test
    void aMixedAppSetPassesFsckAndCopiesOutByteIdentical() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("apps"));
        Random random = new Random(42);
        write(tree.resolve("readme.txt"), bytes(random, 300));
        write(tree.resolve("AUTOEXEC.BAT"), bytes(random, 4096));
        write(tree.resolve("Mixed Case Name.txt"), bytes(random, 4097));
        write(tree.resolve("empty.dat"), new byte[0]);
        write(tree.resolve("another empty file with a long name"), new byte[0]);
        write(tree.resolve("a+b;c=d[1].cfg"), bytes(random, 1));
        write(tree.resolve("café über straße.txt"), bytes(random, 77));
        write(tree.resolve("x".repeat(240) + ".long"), bytes(random, 5000));
        write(tree.resolve("archive.tar.gz"), bytes(random, (1 << 20) + 3));
        for (int i = 0; i < 40; i++) {
            write(tree.resolve("Program Files/Vendor/Library Module " + i + ".dll"), bytes(random, random.nextInt(20_000)));
        }
        Path deep = tree;
        for (int depth = 0; depth < 40; depth++) {
            deep = deep.resolve("level " + depth);
        }
        write(deep.resolve("bottom.bin"), bytes(random, 12_345));
        Files.createDirectories(tree.resolve("empty directory"));
        String summary = FatImages.assertHolds(exportVolume(tree), tree, dir.resolve("out"));
        assertTrue(summary.contains(" 93 files,"), summary); // fsck counts the 43 directories too
    }

    /**
     * 100,000 files (100 directories of 1,000, a third of them empty) whose bytes are a formula of
     * their number: the app set is made in memory (no source tree on the host), the volume is
     * exported, checked by fsck.fat, copied out by mcopy, and every file compared with its formula.
     */
    @Test
    void aHundredThousandFilesPassFsckAndCopyOutByteIdentical() throws Exception {
        int dirs = 100;
        int perDir = 1000;
        List<AppFile> entries = new ArrayList<>();
        long at = FatVolume.CLUSTER;
        for (int d = 0; d < dirs; d++) {
            for (int f = 0; f < perDir; f++) {
                int k = d * perDir + f;
                entries.add(AppFile.file("dir" + d + "/application file " + f + ".bin", sizeOf(k), 0, at));
                at += (sizeOf(k) + FatVolume.CLUSTER - 1) / FatVolume.CLUSTER * FatVolume.CLUSTER;
            }
        }
        // Empty files share their offset with the next file: look up the files that have bytes.
        int[] owners = java.util.stream.IntStream.range(0, entries.size()).filter(k -> sizeOf(k) > 0).toArray();
        long[] offsets = java.util.Arrays.stream(owners).mapToLong(k -> entries.get(k).appOffset()).toArray();
        FatVolume volume = FatVolume.build(entries, 0, 77);
        Path image = dir.resolve("volume.img");
        export(volume, image, (offset, dst) -> {
            while (dst.hasRemaining()) { // one cluster at a time: the file at this offset, its bytes then zeros
                int i = java.util.Arrays.binarySearch(offsets, offset);
                i = i < 0 ? -i - 2 : i;
                int k = owners[i];
                long within = offset - offsets[i];
                for (int j = 0; j < FatVolume.CLUSTER; j++) {
                    long b = within + j;
                    dst.put(b < sizeOf(k) ? contentByte(k, b) : 0);
                }
                offset += FatVolume.CLUSTER;
            }
        });
        String summary = FatImages.assertClean(image);
        assertTrue(summary.contains(" 100100 files,"), summary); // and the 100 directories
        Path out = Files.isDirectory(Path.of("/dev/shm")) ? Files.createTempDirectory(Path.of("/dev/shm"), "vstack-fat") : dir.resolve("out");
        try {
            FatImages.copyOut(image, out, true);
            int seen = 0;
            for (int d = 0; d < dirs; d++) {
                for (int f = 0; f < perDir; f++) {
                    int k = d * perDir + f;
                    byte[] got = Files.readAllBytes(out.resolve("dir" + d).resolve("application file " + f + ".bin"));
                    assertEquals(sizeOf(k), got.length, "size of file " + k);
                    for (int b = 0; b < got.length; b++) {
                        if (got[b] != contentByte(k, b)) {
                            throw new AssertionError("file " + k + " differs at byte " + b);
                        }
                    }
                    seen++;
                }
            }
            assertEquals(dirs * perDir, seen);
            try (java.util.stream.Stream<Path> all = Files.walk(out)) {
                assertEquals(dirs * perDir + dirs + 1, all.count(), "nothing more was copied out");
            }
        } finally {
            try (java.util.stream.Stream<Path> all = Files.walk(out)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static int sizeOf(int k) {
        return k % 3 == 0 ? 0 : k % 37;
    }

    private static byte contentByte(int k, long b) {
        return (byte) (k * 31 + b);
    }

    private static void write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /**
     * Lays the tree's files on an app image as {@link AppSet} would on an app disk, synthesizes
     * the volume, and writes it out as a raw image, reading it as a disk would.
     */
    private Path exportVolume(Path tree) throws Exception {
        AppSet.Plan plan = AppSet.plan(List.of(tree));
        Path app = dir.resolve("app.img");
        try (FileChannel out = FileChannel.open(app, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int f = 0;
            for (AppFile e : plan.entries()) {
                if (!e.directory()) {
                    ByteBuffer content = ByteBuffer.wrap(Files.readAllBytes(plan.sources().get(f++)));
                    while (content.hasRemaining()) {
                        out.write(content, e.appOffset() + content.position());
                    }
                }
            }
        }
        FatVolume volume = FatVolume.build(plan.entries(), 256, 0x1234abcd);
        Path image = dir.resolve("volume.img");
        try (FileChannel in = FileChannel.open(app, StandardOpenOption.READ)) {
            export(volume, image, (offset, dst) -> {
                long at = offset;
                while (dst.hasRemaining()) {
                    int n;
                    try {
                        n = in.read(dst, at);
                    } catch (IOException e) {
                        throw new io.vstack.api.io.IoException("app image: " + e, e);
                    }
                    if (n < 0) {
                        while (dst.hasRemaining()) {
                            dst.put((byte) 0); // past the image's end: the padding of the last file
                        }
                        break;
                    }
                    at += n;
                }
            });
        }
        return image;
    }

    /** Writes the volume out as a raw image, reading it in 1 MiB requests as a disk would. */
    private static void export(FatVolume volume, Path image, FatVolume.AppReader reader) throws Exception {
        try (FileChannel out = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            for (long at = 0; at < volume.size(); at += chunk.capacity()) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), volume.size() - at));
                volume.read(at, chunk, reader);
                chunk.flip();
                while (chunk.hasRemaining()) {
                    out.write(chunk, at + chunk.position());
                }
            }
        }
    }
}
