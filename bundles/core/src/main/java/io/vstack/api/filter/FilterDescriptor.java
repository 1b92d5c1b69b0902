package io.vstack.api.filter;

import io.vstack.api.UserText;
import java.util.Objects;

/**
 * What a filter is, as its factory declares it.
 *
 * @param name        unique filter name users attach by, such as {@code stats}: lowercase letters, digits, {@code -}
 * @param filterClass the class that places it in a chain
 * @param rank        order within the class: higher runs nearer the caller
 * @param description one line for {@code filter:list}
 */
public record FilterDescriptor(String name, FilterClass filterClass, int rank, String description) {

    /**
     * @throws IllegalArgumentException if the name is not a valid filter name
     */
    public FilterDescriptor {
        Objects.requireNonNull(filterClass, "filterClass");
        Objects.requireNonNull(description, "description");
        if (name == null || !name.matches("[a-z][a-z0-9-]{0,63}")) {
            throw new IllegalArgumentException("invalid filter name " + UserText.quote(name)
                    + ": use lowercase letters, digits and '-', starting with a letter");
        }
    }
}
