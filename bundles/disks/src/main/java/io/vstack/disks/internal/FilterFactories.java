package io.vstack.disks.internal;

import io.vstack.api.filter.FilterDescriptor;
import io.vstack.api.filter.IoFilterFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filter factories present, by filter name: the first registered of a name is the active
 * one, later ones stand by until it goes. Thread-safe (one monitor); the disk service links and
 * unlinks filters from what these methods return.
 */
final class FilterFactories {

    /** What removing a factory changed: its name, whether it was the active one, and the standby that takes over. */
    record Removal(String name, boolean wasActive, IoFilterFactory standby) {
    }

    private final Map<String, List<IoFilterFactory>> byName = new LinkedHashMap<>();
    private final Map<IoFilterFactory, String> names = new IdentityHashMap<>();

    /** The descriptors of the active factories, sorted by name. */
    synchronized List<FilterDescriptor> available() {
        List<FilterDescriptor> result = new ArrayList<>();
        for (List<IoFilterFactory> list : byName.values()) {
            if (!list.isEmpty()) {
                result.add(list.get(0).descriptor());
            }
        }
        result.sort(Comparator.comparing(FilterDescriptor::name));
        return result;
    }

    /** The active factory of filter {@code name}, or null. */
    synchronized IoFilterFactory active(String name) {
        List<IoFilterFactory> list = byName.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** Adds a factory under {@code name}; true if it is the active one of that name. */
    synchronized boolean add(String name, IoFilterFactory factory) {
        List<IoFilterFactory> list = byName.computeIfAbsent(name, n -> new ArrayList<>());
        list.add(factory);
        names.put(factory, name);
        return list.get(0) == factory;
    }

    /** Removes a factory; null if it was never added. */
    synchronized Removal remove(IoFilterFactory factory) {
        String name = names.remove(factory);
        if (name == null) {
            return null;
        }
        List<IoFilterFactory> list = byName.get(name);
        boolean wasActive = !list.isEmpty() && list.get(0) == factory;
        list.remove(factory);
        IoFilterFactory standby = list.isEmpty() ? null : list.get(0);
        if (list.isEmpty()) {
            byName.remove(name);
        }
        return new Removal(name, wasActive, standby);
    }
}
