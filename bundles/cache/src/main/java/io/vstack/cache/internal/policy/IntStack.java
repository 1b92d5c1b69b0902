package io.vstack.cache.internal.policy;

/** A stack of ints in an array, used for free slots or nodes. Not thread-safe. */
final class IntStack {

    private final int[] items;
    private int top;

    /** A stack holding {@code from .. to-1}, with {@code from} on top. */
    IntStack(int from, int to) {
        items = new int[to - from];
        for (int i = to - 1; i >= from; i--) {
            items[top++] = i;
        }
    }

    boolean isEmpty() {
        return top == 0;
    }

    int pop() {
        return items[--top];
    }

    void push(int value) {
        items[top++] = value;
    }
}
