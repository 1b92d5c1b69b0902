package io.vstack.trust.internal;

import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Fakes of framework and Karaf interfaces for unit tests: proxies that answer the named methods. */
public final class Fakes {

    private Fakes() {
    }

    /** A proxy answering the named methods (by name, whatever the parameters); any other method is a test bug. */
    public static <T> T fake(Class<T> type, Map<String, Function<Object[], Object>> answers) {
        return type.cast(Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> switch (method.getName()) {
                    case "toString" -> "fake " + type.getSimpleName();
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> Optional.ofNullable(answers.get(method.getName()))
                            .orElseThrow(() -> new UnsupportedOperationException(type.getSimpleName() + "." + method.getName()))
                            .apply(args);
                }));
    }
}
