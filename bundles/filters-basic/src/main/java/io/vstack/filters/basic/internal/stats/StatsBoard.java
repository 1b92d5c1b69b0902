package io.vstack.filters.basic.internal.stats;

import java.util.List;

/** The stats filters attached now (a service inside this bundle, for {@code filter:stats}). */
public interface StatsBoard {

    /** The attached stats filters, sorted by disk id. */
    List<StatsFilter> attached();
}
