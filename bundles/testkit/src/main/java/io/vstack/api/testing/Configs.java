package io.vstack.api.testing;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds a component's configuration annotation the way Declarative Services does from a
 * configuration: an attribute returns the value of the key of its name, else its default. For
 * configuration types whose attributes are all {@code String}s (as vstack's are), so that a test
 * can hand a component any text a {@code .cfg} file may hold.
 */
public final class Configs {

    private Configs() {
    }

    /** A configuration of {@code type} with {@code keysAndValues} ({@code "paths", "9", ...}) set. */
    public static <A> A of(Class<A> type, String... keysAndValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            values.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "toString" -> type.getSimpleName() + values;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), (String) method.getDefaultValue());
                }));
    }
}
