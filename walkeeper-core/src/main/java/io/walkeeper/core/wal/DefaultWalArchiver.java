package io.walkeeper.core.wal;

import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.ClusterWalState;
import io.walkeeper.api.ConfigurationException;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalArchiver;
import io.walkeeper.api.WalFetchResult;
import io.walkeeper.api.WalFileName;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.api.WalProgress;
import io.walkeeper.api.WalProgressListener;
import io.walkeeper.api.WalPushResult;
import io.walkeeper.api.WalSegmentName;
import io.walkeeper.api.WalTimeline;
import io.walkeeper.api.WalVerification;
import io.walkeeper.core.io.DigestingOutputStream;
import io.walkeeper.core.io.FileSync;
import io.walkeeper.core.io.NonClosingOutputStream;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.repo.RepositoryDescriptor;
import io.walkeeper.core.repo.RepositoryLayout;
import io.walkeeper.core.storage.StorageReadException;
import io.walkeeper.spi.BlobInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Archives WAL files into a {@link Repository} and fetches them back. Pushing validates the name
 * and, for segments, the page header (size, page address, system identifier); storing is
 * create-if-absent, with the SHA-256 of the plaintext as object metadata. A second push of the
 * same name is accepted only with identical content, decided by that hash, so that a host holding
 * only the public encryption key can push again what it pushed before.
 *
 * <p>Just over 300 lines because push and fetch, the two halves of one object format, read best
 * side by side; the other operations of the interface delegate to their own classes
 * (ArchiveTimelines, WalIntegrity, WalPrefetch).
 */
public final class DefaultWalArchiver implements WalArchiver {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultWalArchiver.class);
    private static final int BUFFER = 256 * 1024;
    /**
     * Segments downloaded at once by {@link #prefetch}, at most: enough to hide a remote store's
     * latency, few enough on a small machine that the next segment recovery needs, submitted
     * first, is not slowed down by all the others decoding beside it.
     */
    private static final int PREFETCH_THREADS = Math.min(16, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
    /** The object metadata holding the SHA-256 of a WAL file's plaintext. */
    static final String PLAINTEXT_SHA256 = "sha256";

    private final Repository repository;
    private final WalCounters counters;

    /**
     * Creates an archiver.
     *
     * @param repository where WAL lives
     */
    public DefaultWalArchiver(Repository repository) {
        this(repository, WalProgressListener.NONE);
    }

    /**
     * Creates an archiver that reports each file it archives, fetches or prefetches.
     *
     * @param repository where WAL lives
     * @param listener receives a {@link io.walkeeper.api.WalProgress} per file
     */
    public DefaultWalArchiver(Repository repository, WalProgressListener listener) {
        this.repository = repository;
        this.counters = new WalCounters(listener);
    }

    @Override
    public List<WalTimeline> timelines() {
        return ArchiveTimelines.of(repository);
    }

    @Override
    public WalVerification verify(ClusterWalState cluster) {
        return WalIntegrity.verify(repository, java.util.Objects.requireNonNull(cluster, "cluster"));
    }

    @Override
    public io.walkeeper.api.WalWatch watch(Path dataDirectory, io.walkeeper.api.WalWatchOptions options) {
        return WalWatcher.start(this, java.util.Objects.requireNonNull(dataDirectory, "dataDirectory"),
                java.util.Objects.requireNonNull(options, "options"));
    }

    @Override
    public WalPushResult push(Path walFile) {
        if (walFile == null || walFile.getFileName() == null) {
            throw new InvalidRequestException("wal-push needs the path of a WAL file (HINT: archive_command = 'walkeeper wal-push %p')");
        }
        WalFileName name = WalFileName.parse(walFile.getFileName().toString());
        if (!Files.isRegularFile(walFile)) {
            throw new InvalidRequestException("Cannot archive " + walFile.toAbsolutePath() + ": no such file "
                    + "(HINT: archive_command must pass %p, the path relative to the data directory PostgreSQL runs it in)");
        }
        long size;
        try {
            size = Files.size(walFile);
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot archive " + walFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (name.isSegment()) {
            checkSegment(walFile, name, size);
        }
        String sha256 = sha256(walFile);
        Optional<BlobInfo> existing = repository.findWal(name.name());
        if (existing.isPresent()) {
            return compareWithArchived(walFile, existing.get().key(), sha256);
        }
        String key = repository.format().keyFor(RepositoryLayout.walBase(name.name()));
        try {
            repository.store().create(key, Map.of(PLAINTEXT_SHA256, sha256), out -> {
                DigestingOutputStream plain;
                try (OutputStream enc = repository.format().encode(new NonClosingOutputStream(out));
                     InputStream in = Files.newInputStream(walFile)) {
                    plain = new DigestingOutputStream(new NonClosingOutputStream(enc));
                    in.transferTo(plain);
                }
                if (!plain.sha256Hex().equals(sha256)) {
                    throw new IOException(walFile + " changed while it was archived");
                }
            });
        } catch (AlreadyExistsException raced) {
            return compareWithArchived(walFile, key, sha256);
        }
        LOG.debug("Archived {} as {}", name, key);
        counters.count(WalProgress.Operation.PUSH, name.name(), size);
        return WalPushResult.STORED;
    }

    private void checkSegment(Path walFile, WalFileName name, long size) {
        byte[] head = new byte[WalSegmentHeader.SIZE];
        try (InputStream in = Files.newInputStream(walFile)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                throw new InvalidRequestException("Cannot archive " + walFile + ": it is too short (" + size
                        + " bytes) to be a WAL segment");
            }
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot read " + walFile + ": " + e.getMessage(), e);
        }
        WalSegmentHeader header = WalSegmentHeader.parse(head);
        String problem = header.problemWith(name.name(), size);
        if (problem != null) {
            throw new InvalidRequestException("Refusing to archive " + walFile + ": " + problem
                    + " (HINT: this is not an intact WAL segment of this name)");
        }
        if (!header.knownMagic()) {
            LOG.warn("{} has WAL page magic 0x{}, not one of PostgreSQL 12-18's; archiving it anyway", name,
                    Integer.toHexString(header.magic()));
        }
        repository.checkCluster(header.systemIdentifier(), 0, header.segmentSize());
    }

    /**
     * Decides whether an archived object holds exactly the local file: by the plaintext SHA-256
     * stored with the object, which needs no key; for an object stored without one (by an older
     * walkeeper), by decoding it, which needs the private key when the archive is encrypted.
     */
    private WalPushResult compareWithArchived(Path walFile, String key, String sha256) {
        String stored = repository.store().head(key).map(b -> b.metadata().get(PLAINTEXT_SHA256)).orElse(null);
        boolean same;
        if (stored != null) {
            same = stored.equals(sha256);
        } else {
            same = sameContentDecoded(walFile, key);
        }
        if (same) {
            LOG.info("{} is already archived with identical content as {}", walFile.getFileName(), key);
            return WalPushResult.ALREADY_ARCHIVED;
        }
        throw new AlreadyExistsException("Refusing to overwrite archived WAL '" + key + "' in " + repository.store().location()
                + ": it holds different content than " + walFile + " (HINT: two clusters may be archiving into the "
                + "same repository, or the server was restored without a new timeline; investigate before deleting anything)");
    }

    private boolean sameContentDecoded(Path walFile, String key) {
        try (InputStream archived = new BufferedInputStream(repository.openDecoded(key), BUFFER);
             InputStream local = new BufferedInputStream(Files.newInputStream(walFile), BUFFER)) {
            return sameContent(archived, local);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("Cannot tell whether " + walFile + " is identical to the archived '" + key
                    + "' in " + repository.store().location() + ": that object was stored without a content hash (by an "
                    + "older walkeeper), and comparing it needs the private key, which is not configured here ("
                    + e.getMessage() + ") (HINT: push this file once from a host that holds the private key; objects "
                    + "archived from now on carry a hash, and need no key to compare)", e);
        } catch (IOException e) {
            throw new IntegrityException("Cannot compare " + walFile + " with the archived '" + key + "': "
                    + e.getMessage() + " (HINT: the archived object may be corrupt; inspect it before removing it)", e);
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            DigestingOutputStream d = new DigestingOutputStream(OutputStream.nullOutputStream());
            in.transferTo(d);
            return d.sha256Hex();
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameContent(InputStream a, InputStream b) throws IOException {
        byte[] x = new byte[64 * 1024];
        byte[] y = new byte[64 * 1024];
        while (true) {
            int n = a.readNBytes(x, 0, x.length);
            int m = b.readNBytes(y, 0, y.length);
            if (n != m || !Arrays.equals(x, 0, n, y, 0, m)) {
                return false;
            }
            if (n == 0) {
                return true;
            }
        }
    }

    @Override
    public WalFetchResult fetch(String walFileName, Path destination) {
        WalFileName name = WalFileName.parse(walFileName);
        Optional<BlobInfo> found = repository.findWal(name.name());
        if (found.isEmpty()) {
            return WalFetchResult.NOT_FOUND;
        }
        long size = fetchTo(name, found.get().key(), destination, null);
        counters.count(WalProgress.Operation.FETCH, name.name(), size);
        return WalFetchResult.FETCHED;
    }

    @Override
    public List<String> prefetch(String walFileName, Path spoolDirectory, int count) {
        WalFileName requested = WalFileName.parse(walFileName);
        if (count < 0) {
            throw new InvalidRequestException("Cannot prefetch " + count + " WAL segments: the count must be 0 or more");
        }
        if (requested.kind() != WalFileName.Kind.SEGMENT || count == 0) {
            return List.of();
        }
        long segmentSize = repository.descriptor().map(RepositoryDescriptor::walSegmentSize).orElse(0L);
        if (segmentSize <= 0) {
            LOG.debug("Not prefetching after {}: the repository does not record its WAL segment size", requested);
            return List.of();
        }
        return new WalPrefetch(this, PREFETCH_THREADS).run(WalSegmentName.parse(requested.name(), segmentSize),
                spoolDirectory, count);
    }

    /**
     * Fetches one segment into the spool, verified against the plaintext SHA-256 stored with the
     * object when it has one.
     *
     * @param name the segment
     * @param target where it goes (a file in the spool)
     * @return whether the archive holds it
     */
    boolean fetchVerified(WalFileName name, Path target) {
        Optional<BlobInfo> found = repository.findWal(name.name());
        if (found.isEmpty()) {
            return false;
        }
        String key = found.get().key();
        String sha256 = repository.store().head(key).map(b -> b.metadata().get(PLAINTEXT_SHA256)).orElse(null);
        long size = fetchTo(name, key, target, sha256 == null ? "" : sha256);
        counters.count(WalProgress.Operation.PREFETCH, name.name(), size);
        return true;
    }

    /**
     * Downloads, decodes and verifies one object into {@code destination} through a temporary
     * file beside it, fsynced and renamed into place.
     *
     * @param expectedSha256 the plaintext SHA-256 the content must have, {@code ""} for none, or
     *     {@code null} to skip computing it
     * @return the bytes written
     */
    private long fetchTo(WalFileName name, String key, Path destination, String expectedSha256) {
        Path target = destination.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = TemporaryFile.beside(target);
        try {
            long written;
            DigestingOutputStream digest = null;
            try (InputStream in = repository.openDecoded(key);
                 OutputStream file = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = file;
                if (expectedSha256 != null) {
                    digest = new DigestingOutputStream(new NonClosingOutputStream(file));
                    out = digest;
                }
                written = in.transferTo(out);
                out.flush();
            } catch (WalKeeperException e) {
                throw io.walkeeper.core.repo.ObjectFormat.withObject(e, key);
            } catch (NoSuchFileException e) {
                throw new InvalidRequestException("Cannot fetch " + name + " into " + target + ": directory " + dir
                        + " does not exist", e);
            } catch (IOException e) {
                if (StorageReadException.in(e)) {
                    throw new StorageException("Cannot fetch " + name + ": reading '" + key + "' from "
                            + repository.store().location() + " failed: " + e.getMessage(), e, true);
                }
                throw new IntegrityException("Cannot fetch " + name + ": the archived object '" + key + "' in "
                        + repository.store().location() + " is corrupt or truncated (" + e.getMessage() + ")", e);
            }
            if (digest != null && !expectedSha256.isEmpty() && !digest.sha256Hex().equals(expectedSha256)) {
                throw new IntegrityException("Archived WAL '" + key + "' in " + repository.store().location()
                        + " does not decode to the content it was stored with (SHA-256 " + digest.sha256Hex()
                        + ", stored " + expectedSha256 + "): it is corrupt");
            }
            if (name.isSegment()) {
                verifyFetchedSegment(name, key, tmp, written);
            }
            TemporaryFile.commit(tmp, target);
            FileSync.directory(dir);
            LOG.debug("Fetched {} from {} to {}", name, key, target);
            return written;
        } catch (IOException e) {
            throw new StorageException("Cannot write " + target + " while fetching " + name + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.warn("Could not remove temporary file {}: {}", tmp, e.getMessage());
            }
        }
    }

    private void verifyFetchedSegment(WalFileName name, String key, Path file, long size) throws IOException {
        byte[] head = new byte[WalSegmentHeader.SIZE];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                throw new IntegrityException("Archived WAL '" + key + "' decodes to only " + size + " bytes: it is truncated");
            }
        }
        WalSegmentHeader header = WalSegmentHeader.parse(head);
        String problem = header.problemWith(name.name(), size);
        if (problem != null) {
            throw new IntegrityException("Archived WAL '" + key + "' is damaged: " + problem);
        }
        Optional<RepositoryDescriptor> d = repository.descriptor();
        if (d.isPresent() && !d.get().systemIdentifier().equals(Long.toUnsignedString(header.systemIdentifier()))) {
            throw new IntegrityException("Archived WAL '" + key + "' belongs to cluster " + Long.toUnsignedString(header.systemIdentifier())
                    + ", not to this repository's cluster " + d.get().systemIdentifier());
        }
    }
}
