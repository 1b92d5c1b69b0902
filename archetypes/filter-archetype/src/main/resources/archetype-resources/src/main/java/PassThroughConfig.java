package ${package};

import io.vstack.api.io.IoOp;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of the filter {@code ${filterName}}, validated: the operations whose requests it
 * counts. A filter validates every key it is given and refuses unknown ones, so that a typo in
 * {@code filter:attach} is an error rather than a setting silently ignored.
 *
 * @param ops the operations counted (key {@code ops}, comma-separated: {@code read},
 *            {@code write}, {@code flush}, {@code trim}; default all)
 */
public record PassThroughConfig(Set<IoOp> ops) {

    /** The one configuration key. */
    public static final String OPS = "ops";

    /** Copies the set. */
    public PassThroughConfig {
        ops = Set.copyOf(ops);
    }

    /**
     * Reads the attach-time configuration.
     *
     * @throws IllegalArgumentException with a one-line message naming the key that is unknown or wrong
     */
    public static PassThroughConfig parse(Map<String, String> config) {
        for (String key : config.keySet()) {
            if (!key.equals(OPS)) {
                throw new IllegalArgumentException("unknown key '" + key + "': the " + PassThroughFilterFactory.NAME
                        + " filter takes only " + OPS + "=read,write,flush,trim");
            }
        }
        String value = config.get(OPS);
        if (value == null) {
            return new PassThroughConfig(EnumSet.allOf(IoOp.class));
        }
        Set<IoOp> ops = EnumSet.noneOf(IoOp.class);
        for (String name : value.split(",", -1)) {
            ops.add(op(name.trim()));
        }
        return new PassThroughConfig(ops);
    }

    private static IoOp op(String name) {
        for (IoOp op : IoOp.values()) {
            if (op.name().toLowerCase(Locale.ROOT).equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException(OPS + ": '" + name + "' is not one of read, write, flush, trim");
    }
}
