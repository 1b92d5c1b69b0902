package io.vstack.memory.internal.handle;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Owner-only files and directories: directories 0700, files 0600, from their creation on. */
final class PrivateFiles {

    static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /** Creates {@code dir} (and missing parents) and sets it to 0700, also if it existed. */
    static Path directory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        } catch (FileAlreadyExistsException notADirectory) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Files.setPosixFilePermissions(dir, DIRECTORY);
        return dir;
    }

    /** Creates the new file {@code file} with mode 0600 (fails if it exists). */
    static Path newFile(Path file) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }
}
