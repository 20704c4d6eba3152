package io.walkeeper.spi;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that computes each element when it is asked for, for listings that fetch pages
 * lazily: a subclass implements {@link #computeNext()} alone. Not thread-safe.
 *
 * @param <T> the element type
 */
public abstract class ComputingIterator<T> implements Iterator<T> {
    private T next;
    private boolean done;

    /** Creates the iterator; nothing is computed until {@link #hasNext()} or {@link #next()}. */
    protected ComputingIterator() {
    }

    /**
     * Computes the next element.
     *
     * @return the element, or {@code null} when there are no more (then never called again)
     */
    protected abstract T computeNext();

    @Override
    public final boolean hasNext() {
        if (next == null && !done) {
            next = computeNext();
            done = next == null;
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T result = next;
        next = null;
        return result;
    }
}
