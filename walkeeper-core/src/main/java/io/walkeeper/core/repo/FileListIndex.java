package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.StorageException;
import io.walkeeper.core.io.UnlinkedTempFile;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A file list that finds the entry of a path without holding the entries on the heap: the
 * entries wait in a private, unnamed temporary file ({@link UnlinkedTempFile}), and the heap
 * keeps only a hash of each path and where its entry starts (about 24 bytes per entry, where a
 * map of entries needs several hundred). A delta backup looks up every file of the cluster in its
 * parent's list this way, and a restore or a verification every file of each backup of the chain,
 * so their memory does not grow with the file lists.
 *
 * <p>Entries are {@linkplain #add added} by one thread; {@link #complete()} then builds the hash
 * table, refusing a path listed twice, and {@link #find} may be called from any number of threads.
 * A lookup reads one entry from the file (from the page cache, in practice), and a second only
 * when two paths share a 64-bit hash. The file is freed by {@link #close()}, or when the process
 * ends.
 */
public final class FileListIndex implements AutoCloseable {
    private static final ObjectReader READER = Json.MAPPER.readerFor(FileEntry.class);
    private static final ObjectWriter WRITER = Json.MAPPER.writerFor(FileEntry.class)
            .without(SerializationFeature.INDENT_OUTPUT);

    private final UnlinkedTempFile file;
    private OutputStream out;
    /** The hash of each entry's path, by the order added. */
    private long[] hashes = new long[1024];
    /** Where each entry starts in the file; {@code offsets[size]} is where the last ends. */
    private long[] offsets = new long[1025];
    private int size;
    /** Open addressing over the entries: an entry's number plus one, 0 for an empty slot. */
    private int[] slots;

    private FileListIndex(UnlinkedTempFile file) {
        this.file = file;
        this.out = new BufferedOutputStream(file.append(), 1 << 16);
    }

    /**
     * Creates an empty index in the temporary directory.
     *
     * @return the index
     */
    public static FileListIndex create() {
        try {
            return new FileListIndex(UnlinkedTempFile.create("walkeeper-file-index-"));
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary file for a backup's file list (HINT: check that "
                    + "java.io.tmpdir is writable and has room for a few hundred bytes per file of the cluster)", e);
        }
    }

    /**
     * Adds an entry.
     *
     * @param e the entry
     * @throws IllegalStateException once the index is complete
     */
    public void add(FileEntry e) {
        if (out == null) {
            throw new IllegalStateException("the file index is complete; nothing can be added");
        }
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size + (size >> 1));
            offsets = Arrays.copyOf(offsets, hashes.length + 1);
        }
        try {
            byte[] json = WRITER.writeValueAsBytes(e);
            out.write(json);
            hashes[size] = hash(e.path());
            offsets[size + 1] = offsets[size] + json.length;
            size++;
        } catch (IOException ex) {
            throw new StorageException("Cannot write a backup's file list to a temporary file: " + ex.getMessage()
                    + " (HINT: check the room left in java.io.tmpdir)", ex);
        }
    }

    /**
     * Completes the index: nothing can be added afterwards, and paths can be found.
     *
     * @throws IllegalArgumentException if a path was added twice
     */
    public synchronized void complete() {
        if (out == null) {
            return;
        }
        try {
            out.flush();
            out = null;
        } catch (IOException e) {
            throw new StorageException("Cannot write a backup's file list to a temporary file: " + e.getMessage()
                    + " (HINT: check the room left in java.io.tmpdir)", e);
        }
        hashes = Arrays.copyOf(hashes, size);
        offsets = Arrays.copyOf(offsets, size + 1);
        int capacity = Integer.highestOneBit(Math.max(4, size) * 2 - 1) << 1;
        int[] table = new int[capacity];
        for (int n = 0; n < size; n++) {
            int slot = start(hashes[n], capacity);
            while (table[slot] != 0) {
                int other = table[slot] - 1;
                if (hashes[other] == hashes[n] && read(other).path().equals(read(n).path())) {
                    throw new IllegalArgumentException("the file list names " + read(n).path() + " twice");
                }
                slot = (slot + 1) & (capacity - 1);
            }
            table[slot] = n + 1;
        }
        slots = table;
    }

    /**
     * Finds the entry of a path.
     *
     * @param path a path as the manifest lists it
     * @return its entry, or {@code null} if the list does not name it
     * @throws IllegalStateException before {@link #complete()}
     */
    public FileEntry find(String path) {
        int n = indexOf(path);
        return n < 0 ? null : read(n);
    }

    /**
     * Finds the number of a path's entry: its place in the order the entries were added, which
     * callers may use to keep a little state per entry in arrays.
     *
     * @param path a path as the manifest lists it
     * @return its number, from 0, or -1 if the list does not name it
     * @throws IllegalStateException before {@link #complete()}
     */
    public int indexOf(String path) {
        int[] table = slots;
        if (table == null) {
            throw new IllegalStateException("the file index is not complete");
        }
        long h = hash(path);
        for (int slot = start(h, table.length); table[slot] != 0; slot = (slot + 1) & (table.length - 1)) {
            int n = table[slot] - 1;
            if (hashes[n] == h && read(n).path().equals(path)) {
                return n;
            }
        }
        return -1;
    }

    /**
     * Reads an entry by its number.
     *
     * @param n its number, from 0 to {@link #size()} - 1
     * @return the entry
     * @throws IndexOutOfBoundsException if there is no such entry
     * @throws IllegalStateException before {@link #complete()}
     */
    public FileEntry get(int n) {
        if (slots == null) {
            throw new IllegalStateException("the file index is not complete");
        }
        Objects.checkIndex(n, size);
        return read(n);
    }

    /**
     * Hands every entry to {@code action}, in the order added, reading the file once from its
     * start.
     *
     * @param action receives each entry
     * @throws IllegalStateException before {@link #complete()}
     */
    public void forEach(Consumer<FileEntry> action) {
        if (slots == null) {
            throw new IllegalStateException("the file index is not complete");
        }
        try (MappingIterator<FileEntry> it = READER.readValues(
                new BufferedInputStream(file.readFrom(0), 1 << 16))) {
            for (int n = 0; n < size; n++) {
                action.accept(it.nextValue());
            }
        } catch (IOException e) {
            throw new StorageException("Cannot read a backup's file list back from a temporary file: " + e.getMessage(), e);
        }
    }

    /** @return the number of entries */
    public int size() {
        return size;
    }

    /** Frees the file. */
    @Override
    public synchronized void close() {
        out = null;
        try {
            file.close();
        } catch (IOException e) {
            // unnamed: the system frees it with the process at the latest
        }
    }

    private FileEntry read(int n) {
        try {
            return READER.readValue(file.read(offsets[n], (int) (offsets[n + 1] - offsets[n])));
        } catch (IOException e) {
            throw new StorageException("Cannot read a backup's file list back from a temporary file: " + e.getMessage(), e);
        }
    }

    private static int start(long hash, int capacity) {
        return (int) (hash ^ (hash >>> 32)) & (capacity - 1);
    }

    /** FNV-1a over the path's characters, then MurmurHash3's finaliser to spread the bits. */
    static long hash(String path) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < path.length(); i++) {
            h ^= path.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
