package io.vstack.storage.pool.internal.command;

import io.vstack.api.ByteSize;
import io.vstack.api.UserText;
import io.vstack.storage.pool.internal.PoolBackend;
import io.vstack.storage.pool.internal.PoolSpec;
import io.vstack.support.ConfigKeys;
import java.nio.file.Path;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.FileCompleter;

/** {@code disk:pool-create}: makes an elastic temporary pool in a new pool file. */
@Service
@Command(scope = "disk", name = "pool-create",
        description = "Makes an elastic temporary pool: one sparse pool file whose blocks temporary disks (disk:create --backend pool) take on first write")
public class PoolCreateCommand implements Action {

    @Reference
    PoolBackend pools;

    @Argument(index = 0, name = "name", description = "The pool's name: letters, digits, '.', '_' or '-'", required = true)
    String name;

    @Argument(index = 1, name = "file", description = "The pool file to make (must not exist, or be empty)", required = true)
    @Completion(FileCompleter.class)
    String file;

    @Option(name = "--size", description = "The pool file's size, e.g. 10G", required = true)
    String size;

    @Option(name = "--block", description = "The pool block, the unit of allocation: a power of two from 64K to 1M (default 64K)")
    String block = "64K";

    @Option(name = "--quota", description = "The most one disk may hold, e.g. 2G; 0 for no limit (default 0)")
    String quota = "0";

    @Option(name = "--on-full", description = "When no block is free: queue (wait up to the configured queueTimeout) or error (default queue)")
    String onFull = "queue";

    @Option(name = "--low-water", description = "Free space at or below which the pool reports its low-water mark: a size or a percentage (default 10%)")
    String lowWater = "10%";

    @Override
    public Object execute() throws Exception {
        long bytes = ByteSize.parse(size).bytes();
        long blockBytes = ByteSize.parse(block).bytes();
        if (blockBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--block " + UserText.quote(block) + " must be a power of two from 64K to 1M");
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        if (path.getParent() == null) {
            throw new IllegalArgumentException("pool file " + UserText.quote(file) + " is not a file path");
        }
        ConfigKeys.requireWritableDirectory(path.getParent());
        long blocks = blockBytes == 0 ? 0 : bytes / blockBytes;
        PoolSpec spec = new PoolSpec(name, path, bytes, (int) blockBytes, ByteSize.parse(quota).bytes(),
                PoolSpec.OnFull.parse(onFull), lowWaterBlocks(blocks, blockBytes));
        pools.createPool(spec);
        System.out.println("Created pool " + name + ": " + ByteSize.ofBytes(bytes) + " in " + spec.blocks() + " blocks of "
                + ByteSize.ofBytes(blockBytes) + " at " + path + ", quota " + (spec.quota() == 0 ? "none" : ByteSize.ofBytes(spec.quota()))
                + " per disk, on full " + spec.onFull() + ", low-water mark " + spec.lowWater() + " blocks");
        return null;
    }

    private long lowWaterBlocks(long blocks, long blockBytes) {
        String text = lowWater.trim();
        if (text.endsWith("%")) {
            double percent;
            try {
                percent = Double.parseDouble(text.substring(0, text.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--low-water " + UserText.quote(lowWater) + " is not a percentage");
            }
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("--low-water " + UserText.quote(lowWater) + " must be from 0% to 100%");
            }
            return (long) Math.floor(blocks * percent / 100);
        }
        return blockBytes == 0 ? 0 : ByteSize.parse(text).bytes() / blockBytes;
    }
}
