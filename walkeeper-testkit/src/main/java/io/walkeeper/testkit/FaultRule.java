package io.walkeeper.testkit;

import io.walkeeper.api.StorageException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One entry of a {@link FaultyBlobStore}'s schedule: which calls it matches (an operation and a
 * key predicate), which of them it hits (the n-th matching call, once or from then on) and what it
 * does to them. Created with {@link FaultyBlobStore#when(BlobOperation)}:
 *
 * <pre>{@code
 * FaultRule rule = store.when(BlobOperation.CREATE).keyStartsWith("backups/").onCall(3).failRetryable();
 * ...
 * assertEquals(1, rule.hits());
 * }</pre>
 *
 * <p>Each rule counts the calls it matches, 1-based, on its own, whether or not an earlier rule
 * took the call. Thread-safe.
 */
public final class FaultRule {

    /** What a rule does to a call it hits. */
    enum Kind {
        /** Throw before delegating. */
        FAIL,
        /** Fail the byte stream of the call after some bytes. */
        BREAK_STREAM,
        /** End the read stream early, silently. */
        TRUNCATE,
        /** Sleep, then delegate. */
        DELAY,
        /** Delegate fully, then throw a retryable exception. */
        LOSE_RESPONSE,
        /** Run an action (another party changing the store), then delegate. */
        RUN_FIRST
    }

    private final BlobOperation operation;
    private final Predicate<String> key;
    private final String keyDescription;
    private final int firstCall;
    private final boolean always;
    private final Kind kind;
    private final RuntimeException exception;
    private final boolean retryable;
    private final long bytes;
    private final Duration delay;
    private final Runnable action;
    private int matched;
    private int hits;

    private FaultRule(Builder b, Kind kind, RuntimeException exception, boolean retryable, long bytes, Duration delay,
            Runnable action) {
        this.operation = b.operation;
        this.key = b.key;
        this.keyDescription = b.keyDescription;
        this.firstCall = b.firstCall;
        this.always = b.always;
        this.kind = kind;
        this.exception = exception;
        this.retryable = retryable;
        this.bytes = bytes;
        this.delay = delay;
        this.action = action;
    }

    /**
     * Returns how many calls this rule has acted on so far. A call another rule took first is
     * not counted here.
     *
     * @return the number of faulted calls
     */
    public synchronized int hits() {
        return hits;
    }

    /**
     * Returns how many calls this rule has matched so far, whether it acted on them or not.
     *
     * @return the number of matching calls
     */
    public synchronized int matched() {
        return matched;
    }

    /** Counts {@code call} if it matches; tells whether the rule is due on it. */
    synchronized boolean countAndCheck(BlobCall call) {
        if (!call.matches(operation, key)) {
            return false;
        }
        matched++;
        return always ? matched >= firstCall : matched == firstCall;
    }

    /** Records that this rule acted on a call. */
    synchronized void hit() {
        hits++;
    }

    Kind kind() {
        return kind;
    }

    long bytes() {
        return bytes;
    }

    Duration delay() {
        return delay;
    }

    Runnable action() {
        return action;
    }

    /** The exception a {@link Kind#FAIL} rule throws for {@code call} in {@code store}. */
    RuntimeException failure(BlobCall call, String store) {
        if (exception != null) {
            return exception;
        }
        return new StorageException("Cannot run " + call + " in " + store + ": injected " + (retryable ? "retryable" : "non-retryable")
                + " failure (" + this + ")", null, retryable);
    }

    @Override
    public String toString() {
        String which = always ? (firstCall == 1 ? "every" : "from the " + ordinal(firstCall) + " on, every")
                : "the " + ordinal(firstCall);
        String what = switch (kind) {
            case FAIL -> exception != null ? "throw " + exception.getClass().getSimpleName()
                    : "fail " + (retryable ? "retryably" : "non-retryably");
            case BREAK_STREAM -> "break the stream after " + bytes + " bytes";
            case TRUNCATE -> "truncate the read after " + bytes + " bytes";
            case DELAY -> "delay by " + delay.toMillis() + " ms";
            case LOSE_RESPONSE -> "succeed, then report a retryable failure";
            case RUN_FIRST -> "run an action first";
        };
        return what + ": " + which + " " + operation + " call" + (keyDescription == null ? "" : " with a key " + keyDescription);
    }

    private static String ordinal(int n) {
        int tens = n % 100;
        String suffix = tens >= 11 && tens <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }

    /**
     * Describes a rule: first which calls (all optional), then one of the fault methods, which
     * registers the rule with its store and returns it. By default a rule matches every key and
     * hits the first matching call once. Not thread-safe; use each builder once.
     */
    public static final class Builder {
        private final BlobOperation operation;
        private final Consumer<FaultRule> register;
        private Predicate<String> key = k -> true;
        private String keyDescription;
        private int firstCall = 1;
        private boolean always;

        Builder(BlobOperation operation, Consumer<FaultRule> register) {
            this.operation = Objects.requireNonNull(operation, "operation");
            this.register = register;
        }

        /**
         * Matches only calls whose key (one of whose keys, for a {@code delete}; the prefix, for a
         * {@code list}) {@code predicate} accepts.
         *
         * @param predicate the key predicate
         * @return this builder
         */
        public Builder key(Predicate<String> predicate) {
            this.key = Objects.requireNonNull(predicate, "predicate");
            this.keyDescription = "accepted by a predicate";
            return this;
        }

        /**
         * Matches only calls whose key starts with {@code prefix}.
         *
         * @param prefix the key prefix, e.g. {@code backups/}
         * @return this builder
         */
        public Builder keyStartsWith(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            this.key = k -> k.startsWith(prefix);
            this.keyDescription = "starting '" + prefix + "'";
            return this;
        }

        /**
         * Hits the {@code n}-th matching call (1-based) instead of the first.
         *
         * @param n the call number, at least 1
         * @return this builder
         */
        public Builder onCall(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("Calls are counted from 1, not " + n);
            }
            this.firstCall = n;
            return this;
        }

        /**
         * Hits only the chosen call (the default).
         *
         * @return this builder
         */
        public Builder once() {
            this.always = false;
            return this;
        }

        /**
         * Hits the chosen call and every matching call after it.
         *
         * @return this builder
         */
        public Builder always() {
            this.always = true;
            return this;
        }

        /**
         * Throws a retryable {@link StorageException} instead of delegating, as throttling or a
         * time-out would.
         *
         * @return the registered rule
         */
        public FaultRule failRetryable() {
            return add(Kind.FAIL, null, true, 0, null);
        }

        /**
         * Throws a non-retryable {@link StorageException} instead of delegating, as a permission
         * error would.
         *
         * @return the registered rule
         */
        public FaultRule failNonRetryable() {
            return add(Kind.FAIL, null, false, 0, null);
        }

        /**
         * Throws {@code exception} (the same instance at every hit) instead of delegating.
         *
         * @param exception what to throw
         * @return the registered rule
         */
        public FaultRule failWith(RuntimeException exception) {
            return add(Kind.FAIL, Objects.requireNonNull(exception, "exception"), false, 0, null);
        }

        /**
         * Delegates, but breaks the byte stream after {@code bytes} bytes, as a reset connection
         * would. A {@code create} or {@code put} gets a writer stream that throws an
         * {@link java.io.IOException} once the writer goes past {@code bytes}, so the wrapped store
         * sees its writer fail and stores nothing; the call then throws a retryable
         * {@link StorageException}. A {@code get} returns a stream whose reads throw an
         * {@code IOException} after {@code bytes} bytes. If the object is shorter, the stream
         * fails where it would have ended.
         *
         * @param bytes how many bytes pass before the failure, 0 or more
         * @return the registered rule
         * @throws IllegalArgumentException unless the operation is GET, CREATE or PUT
         */
        public FaultRule breakStreamAfter(long bytes) {
            if (operation != BlobOperation.GET && operation != BlobOperation.CREATE && operation != BlobOperation.PUT) {
                throw new IllegalArgumentException("Cannot break the stream of " + operation
                        + " calls: only GET, CREATE and PUT carry content");
            }
            return add(Kind.BREAK_STREAM, null, true, checkBytes(bytes), null);
        }

        /**
         * Delegates a {@code get}, but its stream ends silently after {@code bytes} bytes, as a cut
         * connection may look to a reader. An object no longer than that is returned whole.
         *
         * @param bytes how many bytes the stream returns at most, 0 or more
         * @return the registered rule
         * @throws IllegalArgumentException unless the operation is GET
         */
        public FaultRule truncateAfter(long bytes) {
            if (operation != BlobOperation.GET) {
                throw new IllegalArgumentException("Cannot truncate " + operation + " calls: only GET returns a stream to cut");
            }
            return add(Kind.TRUNCATE, null, false, checkBytes(bytes), null);
        }

        /**
         * Sleeps for {@code delay} before delegating, to exceed a caller's deadline. An interrupt
         * during the sleep fails the call.
         *
         * @param delay how long to wait, not negative
         * @return the registered rule
         */
        public FaultRule delay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("A delay cannot be negative: " + delay);
            }
            return add(Kind.DELAY, null, false, 0, delay);
        }

        /**
         * Delegates the call completely, then throws a retryable {@link StorageException}, as a
         * response lost on its way back would look: a write is stored, a delete done, a read's
         * stream opened and closed again, a listing read to its end.
         *
         * @return the registered rule
         */
        public FaultRule loseResponse() {
            return add(Kind.LOSE_RESPONSE, null, true, 0, null);
        }

        /**
         * Runs {@code action} just before the call reaches the wrapped store, then delegates: what
         * another process acting on the same storage at that moment would do (a concurrent
         * retention run deleting an object, another writer creating one). An exception the action
         * throws fails the call.
         *
         * @param action what happens first
         * @return the registered rule
         */
        public FaultRule runFirst(Runnable action) {
            return add(Kind.RUN_FIRST, null, false, 0, null, Objects.requireNonNull(action, "action"));
        }

        private static long checkBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("A byte count cannot be negative: " + bytes);
            }
            return bytes;
        }

        private FaultRule add(Kind kind, RuntimeException exception, boolean retryable, long bytes, Duration delay) {
            return add(kind, exception, retryable, bytes, delay, null);
        }

        private FaultRule add(Kind kind, RuntimeException exception, boolean retryable, long bytes, Duration delay,
                Runnable action) {
            FaultRule rule = new FaultRule(this, kind, exception, retryable, bytes, delay, action);
            register.accept(rule);
            return rule;
        }
    }
}
