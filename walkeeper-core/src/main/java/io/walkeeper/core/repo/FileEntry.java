package io.walkeeper.core.repo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One file or directory of a backup, as its manifest lists it. Files are built with
 * {@link #file(String)}, directories with {@link #directory(String, int, Instant)}.
 *
 * <p>Over 300 lines because it holds, with the entry, the small types only an entry uses (its
 * chunks, type and storage kind with their manifest names, the builder that names every field);
 * split apart they would be read together anyway.
 *
 * @param path the path relative to the data directory ({@code /}-separated)
 * @param type a file or a directory ({@code null} only in a damaged manifest, which
 *     {@link BackupManifest#validate(String)} refuses)
 * @param size the file's length: a restore leaves it exactly this long
 * @param mode POSIX permission bits
 * @param mtime modification time
 * @param part the part holding the file's bytes, {@code null} when unchanged
 * @param storage how the file is stored ({@code null} reads as {@link Storage#WHOLE}, and is what
 *     a directory has)
 * @param entrySize bytes of the tar entry in the part (the size for a whole file)
 * @param copiedAt when the bytes the chain holds for this file were read: the start of the backup
 *     that stored it whole (kept through unchanged entries)
 * @param sha256 hex SHA-256 of the file's content as the chain holds it, recorded for files under
 *     {@link BackupManifest#HASHED_BELOW} bytes stored whole (kept through unchanged entries); a
 *     delta compares such files by content; {@code null} otherwise
 * @param chunks for a file stored whole in several parts, its pieces in file order, each a tar
 *     entry of the file's path in its own part ({@link #part()} is then the first piece's part);
 *     {@code null} when one part holds the file. A manifest listing chunks has format version
 *     {@link RepositoryLayout#CHUNKED_FORMAT_VERSION}.
 */
public record FileEntry(String path, Type type, long size, int mode, Instant mtime, String part, Storage storage,
                        long entrySize, Instant copiedAt, String sha256, List<Chunk> chunks) {

    /**
     * Copies the list of chunks (a {@code null} chunk, which only a damaged manifest holds, is kept
     * for validation to refuse), and shares one copy of each part's name: thousands of entries
     * name the same part, and a manifest may list a million.
     */
    public FileEntry {
        chunks = chunks == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(chunks));
        part = part == null ? null : part.intern();
    }

    /**
     * One piece of a file stored whole across several parts: bytes {@code offset} to
     * {@code offset + length} of the file, a tar entry of the file's path in {@code part}.
     *
     * @param part the key of the part holding the piece, relative to the backup's prefix
     * @param offset where the piece starts in the file
     * @param length the piece's length, which is its tar entry's size
     */
    public record Chunk(String part, long offset, long length) {
    }

    /** What an entry is; the manifest writes {@code file} or {@code dir}. */
    public enum Type {
        /** A regular file, restored from the parts. */
        FILE("file"),
        /** A directory, created with its mode and time. */
        DIRECTORY("dir");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        /**
         * Returns the entry type as the manifest writes it.
         *
         * @return {@code file} or {@code dir}
         */
        public String text() {
            return text;
        }

        /**
         * Reads the entry type as the manifest writes it.
         *
         * @param text {@code file} or {@code dir}
         * @return the type
         * @throws IllegalArgumentException if the text names no type
         */
        public static Type ofText(String text) {
            for (Type t : values()) {
                if (t.text.equals(text)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown file entry type '" + text + "'");
        }
    }

    /** How the bytes of a file are held; the manifest writes {@code whole}, {@code delta} or {@code unchanged}. */
    public enum Storage {
        /** The file's bytes are in {@link FileEntry#part()} as they were on disk. */
        WHOLE("whole"),
        /** The part holds the file's changed pages in {@link DeltaFile} form. */
        DELTA("delta"),
        /** Nothing stored; the parent chain holds the file as it is. */
        UNCHANGED("unchanged");

        private final String text;

        Storage(String text) {
            this.text = text;
        }

        /**
         * Returns the storage mode as the manifest writes it.
         *
         * @return {@code whole}, {@code delta} or {@code unchanged}
         */
        public String text() {
            return text;
        }

        /**
         * Reads the storage mode as the manifest writes it.
         *
         * @param text {@code whole}, {@code delta} or {@code unchanged}
         * @return the storage mode
         * @throws IllegalArgumentException if the text names no storage mode
         */
        public static Storage ofText(String text) {
            for (Storage s : values()) {
                if (s.text.equals(text)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown file storage '" + text + "'");
        }
    }

    /**
     * Describes a directory.
     *
     * @param path the path
     * @param mode permission bits
     * @param mtime modification time
     * @return the entry
     */
    public static FileEntry directory(String path, int mode, Instant mtime) {
        return new FileEntry(path, Type.DIRECTORY, 0, mode, mtime, null, null, 0, null, null, null);
    }

    /**
     * Starts describing a regular file.
     *
     * @param path the path relative to the data directory
     * @return a builder of the entry, stored whole unless told otherwise
     */
    public static Builder file(String path) {
        return new Builder(path);
    }

    /**
     * Tells whether this entry is a directory. The manifest also writes this as {@code directory}.
     *
     * @return whether this entry is a directory
     */
    public boolean isDirectory() {
        return type == Type.DIRECTORY;
    }

    /**
     * Returns how the file is stored, an absent storage reading as whole.
     *
     * @return the storage mode, never {@code null}
     */
    public Storage storageKind() {
        return storage == null ? Storage.WHOLE : storage;
    }

    /**
     * Returns the size of the tar entry this file has in its part.
     *
     * @return the entry size of a delta, the file size otherwise
     */
    public long tarEntrySize() {
        return storageKind() == Storage.DELTA ? entrySize : size;
    }

    /**
     * Returns the piece of this file a part holds, when the file is stored in chunks.
     *
     * @param partKey the part's key relative to the backup's prefix
     * @return the chunk that part holds, or empty when the file is not in chunks or not in that part
     */
    public Optional<Chunk> chunkIn(String partKey) {
        if (chunks == null) {
            return Optional.empty();
        }
        for (Chunk c : chunks) {
            if (c != null && partKey.equals(c.part())) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** Builds the entry of a regular file. Not thread-safe. */
    public static final class Builder {
        private final String path;
        private long size;
        private int mode;
        private Instant mtime;
        private String part;
        private Storage storage = Storage.WHOLE;
        private long entrySize;
        private Instant copiedAt;
        private String sha256;
        private List<Chunk> chunks;

        private Builder(String path) {
            this.path = path;
        }

        /**
         * Sets the file's length.
         *
         * @param value bytes
         * @return this builder
         */
        public Builder size(long value) {
            size = value;
            return this;
        }

        /**
         * Sets the permission bits.
         *
         * @param value POSIX mode bits
         * @return this builder
         */
        public Builder mode(int value) {
            mode = value;
            return this;
        }

        /**
         * Sets the modification time.
         *
         * @param value the time
         * @return this builder
         */
        public Builder mtime(Instant value) {
            mtime = value;
            return this;
        }

        /**
         * Sets the part that holds the file's bytes.
         *
         * @param value the part key, {@code null} for an unchanged file
         * @return this builder
         */
        public Builder part(String value) {
            part = value;
            return this;
        }

        /**
         * Sets how the file is stored.
         *
         * @param value the storage mode
         * @return this builder
         */
        public Builder storage(Storage value) {
            storage = value;
            return this;
        }

        /**
         * Sets the size of the file's tar entry in its part.
         *
         * @param value bytes
         * @return this builder
         */
        public Builder entrySize(long value) {
            entrySize = value;
            return this;
        }

        /**
         * Sets when the bytes the chain holds for the file were read.
         *
         * @param value the start of the backup that stored the file whole, or {@code null}
         * @return this builder
         */
        public Builder copiedAt(Instant value) {
            copiedAt = value;
            return this;
        }

        /**
         * Sets the hex SHA-256 of the file's content.
         *
         * @param value the hash, or {@code null}
         * @return this builder
         */
        public Builder sha256(String value) {
            sha256 = value;
            return this;
        }

        /**
         * Sets the pieces of a file stored whole across several parts.
         *
         * @param value the chunks in file order, or {@code null} when one part holds the file
         * @return this builder
         */
        public Builder chunks(List<Chunk> value) {
            chunks = value;
            return this;
        }

        /**
         * Builds the entry.
         *
         * @return the entry
         */
        public FileEntry build() {
            return new FileEntry(path, Type.FILE, size, mode, mtime, part, storage, entrySize, copiedAt, sha256, chunks);
        }
    }
}
