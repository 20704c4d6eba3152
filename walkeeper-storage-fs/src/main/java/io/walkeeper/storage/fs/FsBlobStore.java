package io.walkeeper.storage.fs;

import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobMetadata;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a directory of a local or mounted file system (NFS, SMB). Each key is a
 * relative path under the root directory; directories are created as needed and removed again
 * when a delete leaves them empty. Key segments are used as file names, except that {@code %},
 * control characters and non-ASCII characters are stored as {@code %XX} escapes of their UTF-8
 * bytes so that file names never depend on the platform's file name encoding.
 *
 * <p>Objects are written to a hidden temporary file ({@code .<name>.tmp-<random>}), fsynced, and
 * published atomically: {@link #create} with a hard link, which fails if the key exists (on file
 * systems without hard links it falls back to check-and-rename, see {@link #create}); {@link #put}
 * with an atomic rename. The directory is then fsynced, so an object that a call reported as
 * written survives a crash. Temporary files are never listed; a crash can leave one behind, which
 * is harmless and can be removed.
 *
 * <p>A key cannot be both an object and a prefix of other keys followed by {@code /} (a file
 * cannot also be a directory). On case-insensitive file systems keys that differ only in case
 * collide. New files and directories get the default permissions of the process (its umask):
 * when the repository is also written by another OS user, such as {@code postgres} running
 * {@code archive_command}, give both users access through group permissions.
 *
 * <p>Thread-safe, and safe for several processes sharing the directory.
 */
public final class FsBlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(FsBlobStore.class);
    private static final int READ_BUFFER_SIZE = 64 * 1024;

    private final Path root;
    private final URI location;
    private final AtomicFileWriter writer = new AtomicFileWriter(this);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean metadataWarningLogged = new AtomicBoolean();

    private FsBlobStore(Path root) {
        this.root = root;
        this.location = root.toUri();
    }

    /**
     * Opens a store rooted at {@code root}, creating the directory and its parents if needed.
     *
     * @param root an absolute directory path
     * @return the open store
     * @throws ConfigurationException if {@code root} is not absolute
     * @throws StorageException if the directory cannot be created, is not a directory or is not
     *     writable
     */
    public static FsBlobStore open(Path root) {
        Objects.requireNonNull(root, "root");
        if (!root.isAbsolute()) {
            throw new ConfigurationException("Cannot open file storage at '" + root + "': the path must be absolute");
        }
        Path normalized = root.normalize();
        try {
            if (!Files.isDirectory(normalized)) {
                Path parent = normalized.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                FsModes.createDirectory(normalized);
                if (parent != null) {
                    DirectorySync.sync(parent);
                }
                LOG.info("Created repository directory {}", normalized);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot open file storage at " + normalized + ": cannot create the directory ("
                    + e + "); create it, or check that its parent exists and is writable by this OS user", e);
        }
        if (!Files.isWritable(normalized)) {
            throw new StorageException("Cannot open file storage at " + normalized + ": the directory is not writable "
                    + "by this OS user; fix its owner or permissions", null);
        }
        return new FsBlobStore(normalized);
    }

    /**
     * Returns the root directory.
     *
     * @return the absolute, normalized root
     */
    public Path root() {
        return root;
    }

    @Override
    public URI location() {
        return location;
    }

    /**
     * Opens an object for reading through a 64 KiB buffer.
     *
     * @param key the object key
     * @return the object's bytes; the caller closes it
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws NotFoundException if there is no such object
     * @throws StorageException if the store is closed or the file cannot be opened
     */
    @Override
    public InputStream get(String key) {
        checkOpen("read '" + key + "'");
        Path path = FsKeys.toPath(root, key);
        try {
            if (!Files.readAttributes(path, BasicFileAttributes.class).isRegularFile()) {
                throw notFound(key);
            }
            return new BufferedInputStream(Files.newInputStream(path), READ_BUFFER_SIZE);
        } catch (IOException e) {
            if (isMissing(path, e)) {
                throw notFound(key);
            }
            throw failure("read", key, path, e);
        }
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        checkOpen("look up '" + key + "'");
        Path path = FsKeys.toPath(root, key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(new BlobInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant(),
                    FsMetadata.read(path)));
        } catch (IOException e) {
            if (isMissing(path, e)) {
                return Optional.empty();
            }
            throw failure("look up", key, path, e);
        }
    }

    /**
     * Lists objects by walking only the directory that the prefix's complete segments name, one
     * directory at a time as the stream is consumed.
     *
     * @param prefix a key prefix, possibly empty
     * @return the matching objects in ascending UTF-8 key order
     * @throws io.walkeeper.api.InvalidRequestException if the prefix is malformed
     * @throws StorageException if the store is closed or a directory cannot be read
     */
    @Override
    public Stream<BlobInfo> list(String prefix) {
        checkOpen("list '" + prefix + "'");
        Path directory = FsKeys.directoryOfPrefix(root, prefix);
        int slash = prefix.lastIndexOf('/');
        FsTreeLister lister = new FsTreeLister(this, directory, prefix.substring(0, slash + 1),
                prefix.substring(slash + 1));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(lister,
                Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
    }

    /**
     * Creates an object that must not exist yet. The temporary file is published with a hard link,
     * which is atomic and fails if the key exists, also on NFS. Where the file system has no hard
     * links this checks that the key is absent and renames, so two processes creating the same
     * key at the same instant could both succeed, the later replacing the earlier; a warning is
     * logged once when this happens.
     *
     * @param key the object key
     * @param writer produces the content
     * @throws io.walkeeper.api.AlreadyExistsException if the key exists; it is left untouched
     * @throws io.walkeeper.api.InvalidRequestException if the key is malformed
     * @throws StorageException if the store is closed, the file cannot be written or the writer fails
     */
    @Override
    public void create(String key, BlobWriter writer) {
        create(key, Map.of(), writer);
    }

    /**
     * As {@link #create(String, BlobWriter)}, with the metadata as user extended attributes of the
     * object's file, set before it is published.
     */
    @Override
    public void create(String key, Map<String, String> metadata, BlobWriter writer) {
        checkOpen("create '" + key + "'");
        BlobMetadata.check(metadata);
        Objects.requireNonNull(writer, "writer");
        this.writer.write(key, FsKeys.toPath(root, key), writer, false, metadata);
    }

    /** @return whether the missing-metadata warning was logged already */
    AtomicBoolean metadataWarningLogged() {
        return metadataWarningLogged;
    }

    @Override
    public void put(String key, BlobWriter writer) {
        checkOpen("write '" + key + "'");
        Objects.requireNonNull(writer, "writer");
        this.writer.write(key, FsKeys.toPath(root, key), writer, true);
    }

    /**
     * Deletes objects and then the directories the deletes left empty, up to the root. Keys that
     * do not exist, or name a directory, are ignored.
     *
     * @param keys the keys to delete
     * @throws io.walkeeper.api.InvalidRequestException if a key is malformed; nothing is deleted
     * @throws StorageException if the store is closed or a file cannot be deleted
     */
    @Override
    public void delete(Collection<String> keys) {
        checkOpen("delete " + keys.size() + " object(s)");
        List<Path> paths = new ArrayList<>(keys.size());
        for (String key : keys) {
            paths.add(FsKeys.toPath(root, key));
        }
        Set<Path> directories = new LinkedHashSet<>();
        int i = 0;
        for (String key : keys) {
            Path path = paths.get(i++);
            try {
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(path)) {
                    directories.add(path.getParent());
                }
            } catch (IOException e) {
                if (!isMissing(path, e)) {
                    throw failure("delete", key, path, e);
                }
            }
        }
        for (Path directory : directories) {
            removeEmptyDirectories(directory);
        }
    }

    /**
     * Removes the hidden temporary files ({@code .<name>.tmp-<random>}) that writes killed before
     * their rename left, if they were last modified before {@code olderThan}. Symbolic links are
     * not followed.
     *
     * @param olderThan only files last modified before this are removed
     * @param dryRun count without removing
     * @return how many were (or would be) removed
     */
    @Override
    public long removeAbandonedWrites(java.time.Instant olderThan, boolean dryRun) {
        long[] count = {0};
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException gone) {
                    continue; // renamed into place or removed meanwhile
                }
                if (a.isRegularFile() && FsKeys.isTempName(p.getFileName().toString())
                        && a.lastModifiedTime().toInstant().isBefore(olderThan)) {
                    if (!dryRun) {
                        Files.deleteIfExists(p);
                    }
                    count[0]++;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new StorageException("Cannot remove the temporary files of interrupted writes under " + root + ": " + e,
                    e, false);
        }
        return count[0];
    }

    /** Marks the store closed; later calls fail. Idempotent. */
    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "FsBlobStore(" + root + ")";
    }

    void checkOpen(String action) {
        if (closed.get()) {
            throw new StorageException("Cannot " + action + " in " + location + ": store is closed", null);
        }
    }

    /** Tells whether a directory between the root and {@code path} is in fact a file. */
    boolean hasFileAncestor(Path path) {
        return fileAncestor(path) != null;
    }

    private Path fileAncestor(Path path) {
        for (Path p = path.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /** Explains a failed file operation on {@code key} as a storage failure. */
    StorageException failure(String action, String key, Path path, IOException e) {
        Path file = fileAncestor(path);
        if (file != null) {
            int depth = root.relativize(file).getNameCount();
            String object = String.join("/", Arrays.asList(key.split("/")).subList(0, depth));
            return new StorageException("Cannot " + action + " '" + key + "' in " + location + ": '" + object
                    + "' is an object, and on a file system an object's key cannot also be a prefix of other keys "
                    + "followed by '/'", e);
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return new StorageException("Cannot " + action + " '" + key + "' in " + location + ": other objects' keys "
                    + "start with '" + key + "/', and on a file system a key cannot also be a folder of keys", e);
        }
        return new StorageException("Cannot " + action + " '" + key + "' in " + location + ": " + e
                + " (check that the directory is writable by this OS user and the file system has free space)", e);
    }

    private boolean isMissing(Path path, IOException e) {
        return e instanceof NoSuchFileException || e instanceof NotDirectoryException
                || (e instanceof FileSystemException && hasFileAncestor(path));
    }

    private NotFoundException notFound(String key) {
        return new NotFoundException("Cannot read '" + key + "' from " + location + ": no such object");
    }

    private void removeEmptyDirectories(Path directory) {
        for (Path p = directory; p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            try {
                Files.delete(p);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                LOG.debug("Cannot remove empty directory {}: {}", p, e.toString());
                return;
            }
        }
    }
}
