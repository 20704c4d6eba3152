package io.walkeeper.testkit;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One call a {@link FaultyBlobStore} received, as logged in {@link FaultyBlobStore#calls()}.
 *
 * @param operation what was called, never {@link BlobOperation#ANY}
 * @param keys the key of the call (the prefix of a {@code list}); the whole batch of a
 *     {@code delete}, possibly empty
 */
public record BlobCall(BlobOperation operation, List<String> keys) {

    /**
     * Checks and copies the values.
     *
     * @param operation what was called
     * @param keys the keys of the call
     */
    public BlobCall {
        Objects.requireNonNull(operation, "operation");
        if (operation == BlobOperation.ANY) {
            throw new IllegalArgumentException("A logged call has a concrete operation, not ANY");
        }
        keys = List.copyOf(keys);
    }

    /**
     * Returns the call's key: the only key of every call but a {@code delete}, whose first key is
     * returned ({@code ""} for an empty batch).
     *
     * @return the key
     */
    public String key() {
        return keys.isEmpty() ? "" : keys.get(0);
    }

    /**
     * Tells whether this call is of {@code operation} and {@code key} accepts one of its keys.
     *
     * @param operation the operation to match, possibly {@link BlobOperation#ANY}
     * @param key a key predicate
     * @return {@code true} if the call matches
     */
    public boolean matches(BlobOperation operation, Predicate<String> key) {
        if (!operation.matches(this.operation)) {
            return false;
        }
        return keys.isEmpty() ? key.test("") : keys.stream().anyMatch(key);
    }

    @Override
    public String toString() {
        return operation + " " + (operation == BlobOperation.DELETE ? keys.toString() : "'" + key() + "'");
    }
}
