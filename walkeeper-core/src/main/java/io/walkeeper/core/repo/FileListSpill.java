package io.walkeeper.core.repo;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.walkeeper.api.StorageException;
import io.walkeeper.core.io.NonClosingOutputStream;
import io.walkeeper.core.io.UnlinkedTempFile;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.util.AbstractSequentialList;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.NoSuchElementException;

/**
 * The file list of a backup being taken, kept in a private, unnamed temporary file
 * ({@link UnlinkedTempFile}) rather than on the heap, so that the memory a backup needs does not
 * grow with the number of files it stores.
 * Entries are appended in the manifest's order; {@link #entries()} then reads them back, one at a
 * time, each time it is iterated (the manifest is serialised twice: once to measure and sign it,
 * once to store it). The file is its owner's alone, since it names every file of the cluster, and
 * is freed by {@link #close()}, or when the process ends however it ends.
 */
public final class FileListSpill implements AutoCloseable {
    private static final ObjectReader READER = Json.MAPPER.readerFor(FileEntry.class);

    private final UnlinkedTempFile file;
    private final List<MappingIterator<FileEntry>> open = new ArrayList<>();
    private SequenceWriter out;
    private FileEntry last;
    private int size;
    private long regularFiles;
    private boolean chunked;
    /** How many times the file has been read from its start (a test checks reads stay linear). */
    int readsStarted;

    private FileListSpill(UnlinkedTempFile file, SequenceWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Creates an empty list in the temporary directory.
     *
     * @return the list
     */
    public static FileListSpill create() {
        UnlinkedTempFile file = null;
        try {
            file = UnlinkedTempFile.create("walkeeper-file-list-");
            SequenceWriter out = Json.MAPPER.writerFor(FileEntry.class).without(SerializationFeature.INDENT_OUTPUT)
                    .writeValues(new BufferedOutputStream(new NonClosingOutputStream(file.append()), 1 << 16));
            return new FileListSpill(file, out);
        } catch (IOException e) {
            closeQuietly(file);
            throw new StorageException("Cannot create a temporary file for the backup's file list (HINT: check "
                    + "that java.io.tmpdir is writable and has room for a few hundred bytes per file of the "
                    + "cluster)", e);
        }
    }

    /**
     * Appends an entry. A piece of a file stored in chunks that follows a piece of the same file
     * is joined to that entry, so that each file is listed once with all its chunks.
     *
     * @param e the entry
     */
    public synchronized void add(FileEntry e) {
        if (out == null) {
            throw new IllegalStateException("the file list is complete; nothing can be added");
        }
        if (last != null && e.chunks() != null && last.chunks() != null && last.path().equals(e.path())) {
            List<FileEntry.Chunk> chunks = new ArrayList<>(last.chunks());
            chunks.addAll(e.chunks());
            last = FileEntry.file(last.path()).size(last.size()).mode(last.mode()).mtime(last.mtime())
                    .part(last.part()).storage(last.storage()).entrySize(last.entrySize()).copiedAt(last.copiedAt())
                    .sha256(last.sha256()).chunks(chunks).build();
            return;
        }
        writeLast();
        last = e;
        size++;
        chunked |= e.chunks() != null;
        if (!e.isDirectory()) {
            regularFiles++;
        }
    }

    private void writeLast() {
        if (last == null) {
            return;
        }
        try {
            out.write(last);
        } catch (IOException e) {
            throw new StorageException("Cannot write the backup's file list to a temporary file: " + e.getMessage()
                    + " (HINT: check the room left in java.io.tmpdir)", e);
        }
        last = null;
    }

    /**
     * Completes the list (nothing can be added afterwards) and returns it as a list that reads
     * the file each time it is iterated. It supports iteration, streams and {@code size()}; it
     * cannot be changed, and indexed access walks from the start.
     *
     * @return the entries, in the order added
     */
    public synchronized List<FileEntry> entries() {
        if (out != null) {
            writeLast();
            try {
                out.close();
            } catch (IOException e) {
                throw new StorageException("Cannot write the backup's file list to a temporary file: " + e.getMessage()
                    + " (HINT: check the room left in java.io.tmpdir)", e);
            }
            out = null;
        }
        return new Entries();
    }

    /**
     * The number of regular files (not directories) in a list, counted without reading a spilled
     * list back.
     *
     * @param files a file list
     * @return the regular files in it
     */
    public static long regularFiles(List<FileEntry> files) {
        if (files instanceof Entries spilled) {
            return spilled.regularFiles();
        }
        return files.stream().filter(f -> !f.isDirectory()).count();
    }

    /**
     * Whether any entry of a list is stored in chunks, told without reading a spilled list back.
     *
     * @param files a file list
     * @return whether an entry has chunks
     */
    public static boolean anyChunked(List<FileEntry> files) {
        if (files instanceof Entries spilled) {
            return spilled.chunked();
        }
        return files.stream().anyMatch(f -> f != null && f.chunks() != null);
    }

    /** Closes what is still open and frees the file. */
    @Override
    public synchronized void close() {
        try {
            if (out != null) {
                out.close();
                out = null;
            }
            for (MappingIterator<FileEntry> it : open) {
                it.close();
            }
        } catch (IOException e) {
            // the file is freed below; nothing else holds what it held
        } finally {
            open.clear();
            closeQuietly(file);
        }
    }

    private static void closeQuietly(UnlinkedTempFile file) {
        if (file == null) {
            return;
        }
        try {
            file.close();
        } catch (IOException e) {
            // unnamed: the system frees it with the process at the latest
        }
    }

    private synchronized MappingIterator<FileEntry> openReader() {
        try {
            MappingIterator<FileEntry> it = READER.readValues(new BufferedInputStream(file.readFrom(0), 1 << 16));
            open.add(it);
            readsStarted++;
            return it;
        } catch (IOException e) {
            throw new StorageException("Cannot read the backup's file list back from a temporary file: "
                    + e.getMessage(), e);
        }
    }

    private synchronized void closed(MappingIterator<FileEntry> it) {
        open.remove(it);
        try {
            it.close();
        } catch (IOException e) {
            // read to its end already
        }
    }

    /** The completed list (nothing can be added to the spill any more): read from the file on each iteration. */
    private final class Entries extends AbstractSequentialList<FileEntry> {

        @Override
        public int size() {
            return size;
        }

        long regularFiles() {
            return regularFiles;
        }

        boolean chunked() {
            return chunked;
        }

        @Override
        public ListIterator<FileEntry> listIterator(int index) {
            ListIterator<FileEntry> it = new Reading();
            for (int i = 0; i < index; i++) {
                it.next();
            }
            return it;
        }
    }

    /** A forward-only iterator over the file. */
    private final class Reading implements ListIterator<FileEntry> {
        private MappingIterator<FileEntry> source;
        private int next;

        @Override
        public boolean hasNext() {
            return next < size;
        }

        @Override
        public FileEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (source == null) {
                source = openReader();
            }
            FileEntry e;
            try {
                e = source.nextValue();
            } catch (IOException ex) {
                throw new StorageException("Cannot read the backup's file list back from a temporary file: "
                        + ex.getMessage(), ex);
            }
            next++;
            if (next == size) {
                closed(source);
                source = null;
            }
            return e;
        }

        @Override
        public int nextIndex() {
            return next;
        }

        @Override
        public boolean hasPrevious() {
            return false;
        }

        @Override
        public FileEntry previous() {
            throw new UnsupportedOperationException("the spilled file list is read forwards only");
        }

        @Override
        public int previousIndex() {
            return next - 1;
        }

        @Override
        public void remove() {
            throw new UnsupportedOperationException("the spilled file list cannot be changed");
        }

        @Override
        public void set(FileEntry e) {
            throw new UnsupportedOperationException("the spilled file list cannot be changed");
        }

        @Override
        public void add(FileEntry e) {
            throw new UnsupportedOperationException("the spilled file list cannot be changed");
        }
    }
}
