package io.walkeeper.testkit;

/**
 * The kinds of {@link io.walkeeper.spi.BlobStore} call a {@link FaultyBlobStore} logs and a
 * {@link FaultRule} matches. {@link #ANY} matches every kind and is never logged.
 */
public enum BlobOperation {
    /** {@code get(key)} and the ranged {@code get(key, offset)}. */
    GET,
    /** {@code head(key)}. */
    HEAD,
    /** {@code list(prefix)}; the call's key is the prefix. */
    LIST,
    /** {@code create(key, writer)}, the create-if-absent write. */
    CREATE,
    /** {@code put(key, writer)}, the overwriting write. */
    PUT,
    /** {@code delete(keys)}; one call per batch. */
    DELETE,
    /** Every kind of call; for matching only. */
    ANY;

    /**
     * Tells whether a call of kind {@code call} is matched by this operation.
     *
     * @param call the kind of a logged call
     * @return {@code true} if this is {@link #ANY} or equal to {@code call}
     */
    public boolean matches(BlobOperation call) {
        return this == ANY || this == call;
    }
}
