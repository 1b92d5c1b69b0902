package io.vstack.support;

import java.lang.reflect.Proxy;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One component's configuration, guarded so that a bad value changes nothing: a refused value is
 * one log line naming the PID, the key and the reason (no stack trace), and the component keeps
 * running with its previous settings, or with its defaults if the refusal comes at its first
 * start. A Declarative Services component builds it in its {@code @Activate} constructor with
 * {@link #start} and hands each change to {@link #update} from its {@code @Modified} method, so a
 * configuration change never deactivates it nor withdraws its service.
 * <p>Thread-safe: updates are serialized; {@link #current()} is a volatile read.
 *
 * @param <C> what the component receives from Config Admin (its configuration annotation type)
 * @param <S> the component's immutable settings, parsed from it
 */
public final class ConfigGuard<C, S> {

    /** Parses a configuration into settings. */
    @FunctionalInterface
    public interface Parser<C, S> {
        /**
         * Called on the Config Admin (or DS) thread; must not block.
         *
         * @throws IllegalArgumentException {@code "<pid>: key '<key>': <reason>"} (as {@link ConfigKeys}
         *                                  builds it) for a bad value
         */
        S parse(C config);
    }

    /** Applies accepted settings to the running component in place, or refuses them. */
    @FunctionalInterface
    public interface Applier<S> {
        /**
         * Called on the Config Admin (or DS) thread, only when {@code next} differs from {@code previous}.
         *
         * @throws IllegalArgumentException naming the PID and key, before anything is changed, for a
         *                                  change the component cannot apply (e.g. {@link ConfigKeys#requireUnchanged})
         */
        void apply(S previous, S next);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConfigGuard.class);

    private final Parser<C, S> parser;
    private volatile S current;

    private ConfigGuard(Parser<C, S> parser, S current) {
        this.parser = parser;
        this.current = current;
    }

    /**
     * Parses the configuration a component starts with. A refused value logs one WARN line and
     * the component starts with {@code defaults} instead.
     *
     * @param defaults the configuration with every key at its default ({@link #defaults(Class)})
     * @throws IllegalArgumentException if even the defaults are refused (the machine cannot run the component)
     */
    public static <C, S> ConfigGuard<C, S> start(C config, C defaults, Parser<C, S> parser) {
        S settings;
        try {
            settings = parser.parse(config);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; configuration refused, starting with the defaults", e.getMessage());
            settings = parser.parse(defaults);
        }
        return new ConfigGuard<>(parser, settings);
    }

    /**
     * Guards settings made without Config Admin (by tests, benchmarks, or a program that embeds the
     * component); later configurations go through {@code parser}.
     */
    public static <C, S> ConfigGuard<C, S> of(S settings, Parser<C, S> parser) {
        return new ConfigGuard<>(parser, settings);
    }

    /** The settings in force. */
    public S current() {
        return current;
    }

    /**
     * Applies a changed configuration: parses it and, if the settings differ, lets {@code applier}
     * apply them. A refusal by either logs one WARN line and keeps the previous settings.
     *
     * @return the refusal, or empty if the configuration was accepted
     */
    public synchronized Optional<String> update(C config, Applier<S> applier) {
        try {
            S next = parser.parse(config);
            if (!next.equals(current)) {
                applier.apply(current, next);
                current = next;
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            LOG.warn("{}; configuration refused, keeping the previous one", e.getMessage());
            return Optional.of(e.getMessage());
        }
    }

    /**
     * A configuration whose every attribute returns its declared default value: what a component
     * starts with when its configuration is refused at its first start. Every attribute of
     * {@code type} needs a default.
     */
    public static <A> A defaults(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) ->
                switch (method.getName()) {
                    case "toString" -> type.getSimpleName() + " defaults";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> method.getDefaultValue();
                }));
    }
}
