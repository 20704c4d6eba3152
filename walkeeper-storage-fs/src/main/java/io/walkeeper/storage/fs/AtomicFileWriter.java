package io.walkeeper.storage.fs;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.spi.BlobWriter;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one object atomically: the content goes to a hidden temporary file beside the target
 * (mode 0600, directories 0700, whatever the umask), which is fsynced and then published under
 * the target name, and the directory is fsynced. A
 * create publishes with a hard link, which fails if the target exists, so that of two concurrent
 * creators exactly one wins; a put publishes with an atomic rename over the target.
 */
final class AtomicFileWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFileWriter.class);
    private static final int BUFFER_SIZE = 64 * 1024;
    private static final int TEMP_ATTEMPTS = 10;

    private final FsBlobStore store;
    private final AtomicBoolean linkFallbackLogged = new AtomicBoolean();

    AtomicFileWriter(FsBlobStore store) {
        this.store = store;
    }

    /**
     * Writes {@code key} at {@code target}.
     *
     * @param replace {@code true} for put (overwrite), {@code false} for create (if absent)
     */
    void write(String key, Path target, BlobWriter writer, boolean replace) {
        write(key, target, writer, replace, Map.of());
    }

    /**
     * Writes {@code key} at {@code target} with metadata, stored as extended attributes of the
     * file before it is published (a file system without user extended attributes stores the
     * object without them, logging that once).
     *
     * @param replace {@code true} for put (overwrite), {@code false} for create (if absent)
     */
    void write(String key, Path target, BlobWriter writer, boolean replace, Map<String, String> metadata) {
        if (!replace) {
            checkAbsent(key, target);
        }
        Path directory = target.getParent();
        Path temp = null;
        boolean published = false;
        try {
            TempFile file = openTemp(directory, target);
            temp = file.path();
            try (FileChannel channel = file.channel()) {
                BufferedOutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_SIZE);
                writer.writeTo(new FilterOutputStream(out) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() {
                        // the store, not the writer, ends the object
                    }
                });
                out.flush();
                FsMetadata.write(temp, metadata, store);
                channel.force(true);
            }
            store.checkOpen("write '" + key + "'");
            if (replace) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } else {
                publishNew(key, temp, target);
                deleteTemp(temp); // before the directory sync, which then covers both names
            }
            temp = null;
            published = true;
            DirectorySync.sync(directory);
        } catch (ClosedByInterruptException e) {
            throw new WalKeeperException(ErrorCode.INTERRUPTED, "Writing '" + key + "' to " + store.location()
                    + " was interrupted; " + (published ? "the object was stored but may not survive a crash"
                            : "nothing was stored"), e);
        } catch (IOException e) {
            if (published) {
                throw new StorageException("Wrote '" + key + "' to " + store.location() + " but cannot fsync its "
                        + "directory (" + e + "); the object is visible but may not survive a crash", e);
            }
            throw store.failure("write", key, target, e);
        } finally {
            if (temp != null) {
                deleteTemp(temp);
            }
        }
    }

    /** A temporary file just created, and its channel open for writing. */
    private record TempFile(Path path, FileChannel channel) {
    }

    private TempFile openTemp(Path directory, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Path temp = directory.resolve(FsKeys.tempName(target.getFileName().toString()));
            try {
                FileChannel channel = FsModes.createFile(temp);
                FsModes.adoptOwner(temp, store.root());
                return new TempFile(temp, channel);
            } catch (NoSuchFileException e) {
                // the directory is new, or was removed as empty by a concurrent delete
                if (attempt == TEMP_ATTEMPTS) {
                    throw e;
                }
                try {
                    createDirectories(directory);
                } catch (NoSuchFileException raced) {
                    // a parent was removed as empty while being created: try again
                }
            } catch (FileAlreadyExistsException e) {
                if (attempt == TEMP_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void checkAbsent(String key, Path target) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyExists(key, target);
        }
    }

    private WalKeeperException alreadyExists(String key, Path target) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return new StorageException("Cannot create '" + key + "' in " + store.location() + ": other objects' keys "
                    + "start with '" + key + "/', and on a file system a key cannot also be a folder of keys", null);
        }
        return new AlreadyExistsException("Cannot create '" + key + "' in " + store.location()
                + ": the object already exists and was left untouched");
    }

    /**
     * Publishes a new object with a hard link, which fails if the target exists. On file systems
     * without hard links it falls back to checking for the target and renaming, which leaves a
     * tiny window in which a concurrent creator of the same key can be overwritten.
     */
    private void publishNew(String key, Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(key, target);
        } catch (NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (linkFallbackLogged.compareAndSet(false, true)) {
                LOG.warn("Cannot hard-link in {} ({}); creating objects by check-and-rename instead, which does not "
                        + "protect against two writers creating the same key at the same instant", store.location(),
                        e.toString());
            }
        }
        checkAbsent(key, target);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Creates {@code directory} and any missing parents, and fsyncs the parent of each one created
     * so that the new directory entries survive a crash.
     */
    private void createDirectories(Path directory) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = directory; !Files.isDirectory(p); p = p.getParent()) {
            if (!p.startsWith(store.root()) || p.equals(store.root())) {
                throw new NoSuchFileException(store.root().toString(), null, "the repository directory is gone");
            }
            missing.add(0, p);
        }
        for (Path p : missing) {
            try {
                FsModes.createDirectory(p);
                FsModes.adoptOwner(p, store.root());
            } catch (FileAlreadyExistsException e) {
                if (Files.isDirectory(p)) {
                    continue;
                }
                if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    // created by another writer and removed again as empty by a concurrent delete
                    throw new NoSuchFileException(p.toString(), null, "removed while being created");
                }
                throw e;
            }
            DirectorySync.sync(p.getParent());
        }
    }

    private static void deleteTemp(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("Cannot remove temporary file {}: {}", temp, e.toString());
        }
    }
}
