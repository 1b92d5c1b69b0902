package io.vstack.disks.internal.content;

import java.util.Objects;

/**
 * One entry of an app set as its catalog on the app disk records it.
 *
 * @param path      where it appears on the volume: names separated by {@code /}, no leading {@code /}
 * @param directory whether it is a directory (then size and offset are 0)
 * @param size      its length in bytes
 * @param modified  its modification time, milliseconds since the epoch
 * @param appOffset where its bytes start on the app disk, a multiple of the cluster size
 */
record AppFile(String path, boolean directory, long size, long modified, long appOffset) {

    AppFile {
        Objects.requireNonNull(path, "path");
        if (size < 0 || appOffset < 0) {
            throw new IllegalArgumentException("app file " + path + ": negative size or offset");
        }
    }

    /** A regular file. */
    static AppFile file(String path, long size, long modified, long appOffset) {
        return new AppFile(path, false, size, modified, appOffset);
    }

    /** A directory (one that may be empty). */
    static AppFile directory(String path, long modified) {
        return new AppFile(path, true, 0, modified, 0);
    }
}
