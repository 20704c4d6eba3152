package io.walkeeper.examples.provider;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobKeys;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The store of {@link FlatDirectoryStorageProvider}: a key is a file named by the key's
 * URL-encoding (which never starts with the {@code ~} of temporary files), so {@code d} and
 * {@code d/x} never collide and no directory is ever left behind.
 * An object is written to a temporary file first and then linked ({@code create}, which fails if
 * the name exists: atomic create-if-absent) or moved ({@code put}) into place.
 */
final class FlatDirectoryBlobStore implements BlobStore {
    private static final String TEMP_PREFIX = "~tmp-";

    private final URI location;
    private final Path dir;
    private final boolean fsync;
    private volatile boolean closed;

    FlatDirectoryBlobStore(URI location, Path dir, boolean fsync) {
        this.location = location;
        this.dir = dir;
        this.fsync = fsync;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("Cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public URI location() {
        return location;
    }

    private Path file(String key) {
        checkOpen();
        BlobKeys.checkKey(key);
        return dir.resolve(URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("The flatdir store at " + location + " is closed", null);
        }
    }

    @Override
    public InputStream get(String key) {
        Path f = file(key);
        try {
            return Files.newInputStream(f);
        } catch (NoSuchFileException e) {
            throw new NotFoundException("No object '" + key + "' in " + location);
        } catch (IOException e) {
            throw new StorageException("Cannot read '" + key + "' in " + location + ": " + e.getMessage(), e, true);
        }
    }

    @Override
    public Optional<BlobInfo> head(String key) {
        Path f = file(key);
        try {
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
            return Optional.of(new BlobInfo(key, a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("Cannot stat '" + key + "' in " + location + ": " + e.getMessage(), e, true);
        }
    }

    @Override
    public Stream<BlobInfo> list(String prefix) {
        checkOpen();
        BlobKeys.checkPrefix(prefix);
        List<BlobInfo> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(TEMP_PREFIX)) {
                    continue;
                }
                String key = URLDecoder.decode(name, StandardCharsets.UTF_8);
                if (key.startsWith(prefix)) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                        out.add(new BlobInfo(key, a.size(), a.lastModifiedTime().toInstant()));
                    } catch (NoSuchFileException deletedMeanwhile) {
                        // listings are weakly consistent
                    }
                }
            }
        } catch (IOException e) {
            throw new StorageException("Cannot list " + dir + ": " + e.getMessage(), e, true);
        }
        out.sort((a, b) -> BlobKeys.compareUtf8(a.key(), b.key()));
        return out.stream();
    }

    @Override
    public void create(String key, BlobWriter writer) {
        Path target = file(key);
        Path temp = write(key, writer);
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw new AlreadyExistsException("Object '" + key + "' already exists in " + location);
        } catch (IOException e) {
            throw new StorageException("Cannot create '" + key + "' in " + location + ": " + e.getMessage(), e, true);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void put(String key, BlobWriter writer) {
        Path target = file(key);
        Path temp = write(key, writer);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new StorageException("Cannot put '" + key + "' in " + location + ": " + e.getMessage(), e, true);
        }
    }

    /** Writes the content to a temporary file in the directory, synced when asked; the caller publishes it. */
    private Path write(String key, BlobWriter writer) {
        Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // the writer may close the stream itself: only this method closes the channel
            OutputStream out = new FilterOutputStream(Channels.newOutputStream(ch)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
            writer.writeTo(out);
            out.flush();
            if (fsync) {
                ch.force(true);
            }
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            if (e instanceof io.walkeeper.api.WalKeeperException w) {
                throw w;
            }
            throw new StorageException("Cannot write '" + key + "' in " + location + ": " + e.getMessage(), e, false);
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        for (String key : keys) {
            file(key);
        }
        for (String key : keys) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw new StorageException("Cannot delete '" + key + "' in " + location + ": " + e.getMessage(), e, true);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temporary file is never listed
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
