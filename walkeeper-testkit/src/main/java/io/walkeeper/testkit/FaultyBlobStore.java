package io.walkeeper.testkit;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Wraps a {@link BlobStore} and injects failures by a schedule, for fault tests: failed calls
 * (retryable, non-retryable or any exception), streams that break or end early after a number of
 * bytes, slow calls, and calls that succeed but report a failure, as a lost response would.
 *
 * <pre>{@code
 * FaultyBlobStore store = new FaultyBlobStore(new InMemoryBlobStore());
 * store.when(BlobOperation.CREATE).keyStartsWith("backups/").onCall(3).failNonRetryable();
 * store.when(BlobOperation.GET).keyStartsWith("wal/").always().truncateAfter(100);
 * ... run the code under test ...
 * long creates = store.calls().stream().filter(c -> c.operation() == BlobOperation.CREATE).count();
 * }</pre>
 *
 * <p>Every call is logged ({@link #calls()}) and offered to every rule in the order they were
 * added; each rule counts the calls it matches. The first rule that is due on a call acts on it,
 * and only that one. Calls without a due rule go to the wrapped store unchanged.
 *
 * <p>Thread-safe: the log and the rules' counts are updated under one lock, so the n-th matching
 * call is well defined under concurrency (it is the n-th to reach this store). {@link #close()}
 * closes the wrapped store.
 */
public final class FaultyBlobStore implements BlobStore {
    private final BlobStore delegate;
    private final Object lock = new Object();
    private final List<FaultRule> rules = new ArrayList<>();
    private final List<BlobCall> calls = new ArrayList<>();

    /**
     * Wraps {@code delegate}, with no faults scheduled yet.
     *
     * @param delegate the store that does the work
     */
    public FaultyBlobStore(BlobStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Starts a rule for calls of {@code operation}; the rule is added when one of the builder's
     * fault methods is called.
     *
     * @param operation the calls to match, or {@link BlobOperation#ANY}
     * @return the rule's builder
     */
    public FaultRule.Builder when(BlobOperation operation) {
        return new FaultRule.Builder(operation, rule -> {
            synchronized (lock) {
                rules.add(rule);
            }
        });
    }

    /** Removes every rule; later calls go to the wrapped store unchanged. The log is kept. */
    public void clearFaults() {
        synchronized (lock) {
            rules.clear();
        }
    }

    /**
     * Returns the calls received so far, in the order they arrived, including faulted ones.
     *
     * @return a snapshot of the log
     */
    public List<BlobCall> calls() {
        synchronized (lock) {
            return List.copyOf(calls);
        }
    }

    /**
     * Counts the logged calls of {@code operation} with a key that {@code key} accepts.
     *
     * @param operation the operation, or {@link BlobOperation#ANY}
     * @param key the key predicate
     * @return the number of such calls so far
     */
    public int count(BlobOperation operation, Predicate<String> key) {
        synchronized (lock) {
            return (int) calls.stream().filter(c -> c.matches(operation, key)).count();
        }
    }

    /** Empties the call log. Rules keep their counts. */
    public void clearCalls() {
        synchronized (lock) {
            calls.clear();
        }
    }

    /**
     * Returns the wrapped store, for reading or arranging state without logging or faults.
     *
     * @return the wrapped store
     */
    public BlobStore delegate() {
        return delegate;
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public InputStream get(String key) {
        return read(key, () -> delegate.get(key));
    }

    @Override
    public InputStream get(String key, long offset) {
        return read(key, () -> delegate.get(key, offset));
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        BlobCall call = new BlobCall(BlobOperation.HEAD, List.of(key));
        return apply(call, due(call), () -> delegate.head(key));
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        BlobCall call = new BlobCall(BlobOperation.LIST, List.of(prefix));
        return apply(call, due(call), () -> delegate.list(prefix));
    }

    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        write(new BlobCall(BlobOperation.CREATE, List.of(key)), writer, w -> delegate.create(key, metadata, w));
    }

    @Override
    public void put(String key, BlobWriter writer) {
        write(new BlobCall(BlobOperation.PUT, List.of(key)), writer, w -> delegate.put(key, w));
    }

    @Override
    public void delete(Collection<String> keys) {
        BlobCall call = new BlobCall(BlobOperation.DELETE, List.copyOf(keys));
        apply(call, due(call), () -> {
            delegate.delete(keys);
            return null;
        });
    }

    /**
     * Passes the clean-up of abandoned writes to the wrapped store (no fault applies).
     *
     * @param olderThan only leftovers started before this
     * @param dryRun count only
     * @return what the wrapped store reports
     */
    @Override
    public long removeAbandonedWrites(java.time.Instant olderThan, boolean dryRun) {
        return delegate.removeAbandonedWrites(olderThan, dryRun);
    }

    /** Closes the wrapped store. */
    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "FaultyBlobStore(" + delegate + ")";
    }

    /** Logs the call and returns the rule that acts on it, or {@code null}. */
    private FaultRule due(BlobCall call) {
        synchronized (lock) {
            calls.add(call);
            FaultRule acting = null;
            for (FaultRule rule : rules) {
                if (rule.countAndCheck(call) && acting == null) {
                    acting = rule;
                }
            }
            if (acting != null) {
                acting.hit();
            }
            return acting;
        }
    }

    private InputStream read(String key, Supplier<InputStream> open) {
        BlobCall call = new BlobCall(BlobOperation.GET, List.of(key));
        FaultRule rule = due(call);
        if (rule != null && (rule.kind() == FaultRule.Kind.BREAK_STREAM || rule.kind() == FaultRule.Kind.TRUNCATE)) {
            return new FaultyInputStream(open.get(), rule.bytes(), rule.kind() == FaultRule.Kind.BREAK_STREAM,
                    "'" + key + "' in " + location());
        }
        return apply(call, rule, open);
    }

    /** The part of a write the store's own writer runs. */
    @FunctionalInterface
    private interface WriteCall {
        void run(BlobWriter writer);
    }

    private void write(BlobCall call, BlobWriter writer, WriteCall target) {
        Objects.requireNonNull(writer, "writer");
        FaultRule rule = due(call);
        if (rule == null || rule.kind() != FaultRule.Kind.BREAK_STREAM) {
            apply(call, rule, () -> {
                target.run(writer);
                return null;
            });
            return;
        }
        FaultyOutputStream[] stream = new FaultyOutputStream[1];
        try {
            target.run(out -> {
                stream[0] = new FaultyOutputStream(out, rule.bytes(), "'" + call.key() + "' in " + location());
                writer.writeTo(stream[0]);
                if (!stream[0].broken()) {
                    throw stream[0].breakNow();
                }
            });
        } catch (RuntimeException e) {
            if (stream[0] != null && stream[0].broken()) {
                throw new StorageException("Cannot run " + call + " in " + location() + ": the upload broke off ("
                        + rule + "); the store was left without the object", e, true);
            }
            throw e;
        }
        throw new IllegalStateException("The wrapped store " + delegate + " ignored a failing writer for " + call);
    }

    /** Runs a call under a rule that does not touch its byte stream. */
    private <T> T apply(BlobCall call, FaultRule rule, Supplier<T> action) {
        if (rule == null) {
            return action.get();
        }
        switch (rule.kind()) {
            case FAIL:
                throw rule.failure(call, location().toString());
            case DELAY:
                sleep(rule, call);
                return action.get();
            case RUN_FIRST:
                rule.action().run();
                return action.get();
            case LOSE_RESPONSE:
                discard(action.get());
                throw new StorageException("Cannot run " + call + " in " + location() + ": injected lost response, the call "
                        + "itself succeeded (" + rule + ")", null, true);
            default:
                throw new IllegalStateException("Rule '" + rule + "' does not apply to " + call);
        }
    }

    private void sleep(FaultRule rule, BlobCall call) {
        try {
            Thread.sleep(rule.delay().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Interrupted during an injected delay of " + call
                    + " in " + location() + " (" + rule + ")", e);
        }
    }

    /** Consumes and closes what a call whose response is lost returned. */
    private static void discard(Object result) {
        if (result instanceof Stream<?> s) {
            try (s) {
                s.forEach(x -> { });
            }
        } else if (result instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the response is dropped anyway
            }
        }
    }
}
