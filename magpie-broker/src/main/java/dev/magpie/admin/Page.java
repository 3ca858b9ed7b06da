package dev.magpie.admin;

import java.util.List;

/**
 * One page of a sorted list.
 *
 * @param items the items of this page
 * @param total how many items the whole list has
 * @param page  the page number, from 0
 * @param size  the page size asked for
 */
public record Page<T>(List<T> items, int total, int page, int size) {
    public Page {
        items = List.copyOf(items);
    }

    /**
     * Page {@code page} of {@code size} items of {@code all}.
     *
     * @throws IllegalArgumentException if page is negative or size is not positive
     */
    public static <T> Page<T> of(List<T> all, int page, int size) {
        if (page < 0 || size <= 0) {
            throw new IllegalArgumentException("page must be 0 or more and size 1 or more, not page " + page + ", size " + size);
        }
        long from = (long) page * size;
        if (from >= all.size()) {
            return new Page<>(List.of(), all.size(), page, size);
        }
        int to = (int) Math.min(all.size(), from + size);
        return new Page<>(all.subList((int) from, to), all.size(), page, size);
    }
}
