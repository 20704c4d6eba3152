package io.walkeeper.core.repo;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.walkeeper.api.AlreadyExistsException;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.InvalidRequestException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.BlobStore;
import io.walkeeper.spi.BlobWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A walkeeper repository in a {@link BlobStore}: the descriptor, archived WAL, backups and
 * manifests, read and written in the layout of {@link RepositoryLayout}.
 *
 * <p>Over 300 lines because it is the single gateway to stored objects (formats, signatures,
 * leases, WAL lookups): every read and write of the repository's layout goes through it.
 */
public final class Repository {
    private static final int DELETE_BATCH = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(Repository.class);

    private final BlobStore store;
    private final ObjectFormat format;
    private volatile RepositoryDescriptor descriptor;

    /**
     * Creates a repository view.
     *
     * @param store the store
     * @param format how objects are encoded
     */
    public Repository(BlobStore store, ObjectFormat format) {
        this.store = store;
        this.format = format;
    }

    /** @return the underlying store */
    public BlobStore store() {
        return store;
    }

    /** @return how objects are encoded */
    public ObjectFormat format() {
        return format;
    }

    /**
     * Reads the descriptor, if the repository has one.
     *
     * @return the descriptor or empty for a new repository
     */
    public Optional<RepositoryDescriptor> descriptor() {
        RepositoryDescriptor d = descriptor;
        if (d != null) {
            return Optional.of(d);
        }
        try (InputStream in = store.get(RepositoryLayout.DESCRIPTOR)) {
            d = Json.MAPPER.readValue(in, RepositoryDescriptor.class);
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            throw new IntegrityException("Cannot read repository descriptor '" + RepositoryLayout.DESCRIPTOR + "' in "
                    + store.location() + ": it is not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new StorageException("Cannot read '" + RepositoryLayout.DESCRIPTOR + "' in " + store.location(), e);
        }
        if (d.formatVersion() != RepositoryLayout.FORMAT_VERSION) {
            throw new IntegrityException("Repository " + store.location() + " has format version " + d.formatVersion()
                    + "; this walkeeper uses version " + RepositoryLayout.FORMAT_VERSION);
        }
        descriptor = d;
        return Optional.of(d);
    }

    /**
     * Makes sure the repository belongs to this cluster: writes the descriptor on first use, and
     * refuses a cluster with another system identifier.
     *
     * @param systemIdentifier the cluster's system identifier
     * @param pgVersionNum the server version, 0 if unknown
     * @param walSegmentSize the WAL segment size
     * @throws InvalidRequestException if the repository holds another cluster
     */
    public void checkCluster(long systemIdentifier, int pgVersionNum, long walSegmentSize) {
        String sysid = Long.toUnsignedString(systemIdentifier);
        RepositoryDescriptor d = descriptor().orElse(null);
        if (d == null) {
            RepositoryDescriptor created = new RepositoryDescriptor(RepositoryLayout.FORMAT_VERSION, sysid, pgVersionNum,
                    walSegmentSize, Instant.now().toString());
            try {
                store.create(RepositoryLayout.DESCRIPTOR, out -> Json.MAPPER.writeValue(new io.walkeeper.core.io.NonClosingOutputStream(out), created));
                LOG.info("Initialised repository {} for cluster {}", store.location(), sysid);
                d = created;
            } catch (AlreadyExistsException raced) {
                descriptor = null;
                d = descriptor().orElseThrow();
            }
            descriptor = d;
        }
        if (!d.systemIdentifier().equals(sysid)) {
            throw new InvalidRequestException("Repository " + store.location() + " belongs to the cluster with system identifier "
                    + d.systemIdentifier() + ", not " + sysid + " (HINT: give each cluster its own storage prefix; a new "
                    + "cluster after initdb or pg_upgrade needs a new repository)");
        }
        if (d.walSegmentSize() != 0 && walSegmentSize != 0 && d.walSegmentSize() != walSegmentSize) {
            throw new InvalidRequestException("Repository " + store.location() + " holds WAL with segment size "
                    + d.walSegmentSize() + ", not " + walSegmentSize);
        }
    }

    /**
     * Deletes objects a thousand keys at a time, in the order given, so that a run killed part way
     * has deleted a prefix of the list (callers put manifests first).
     *
     * @param keys the keys to delete
     */
    public void deleteInBatches(List<String> keys) {
        deleteInBatches(keys, batch -> { });
    }

    /**
     * Deletes objects as {@link #deleteInBatches(List)} does, telling how many each batch deleted.
     *
     * @param keys the keys to delete
     * @param afterBatch told the size of each batch once it is deleted
     */
    public void deleteInBatches(List<String> keys, java.util.function.IntConsumer afterBatch) {
        for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH));
            store.delete(batch);
            afterBatch.accept(batch.size());
        }
    }

    /**
     * Finds the stored object of a WAL file, whatever codec wrote it.
     *
     * @param walFileName the WAL file name
     * @return the stored key, or empty
     */
    public Optional<BlobInfo> findWal(String walFileName) {
        String base = RepositoryLayout.walBase(walFileName);
        try (Stream<BlobInfo> s = store.list(base)) {
            List<BlobInfo> all = s.toList();
            List<BlobInfo> matches = all.stream().filter(b -> format.isEncodingOf(b.key(), base)).toList();
            if (matches.isEmpty()) {
                for (BlobInfo b : all) {
                    String suffix = format.unreadableSuffix(b.key(), base);
                    if (suffix != null) {
                        throw new io.walkeeper.api.ConfigurationException("WAL file " + walFileName + " is archived as '"
                                + b.key() + "' in " + store.location() + ", but no codec or cipher on the class path reads '"
                                + suffix + "' (HINT: add the module that provides it, e.g. walkeeper-compress or walkeeper-crypto)");
                    }
                }
            }
            if (matches.size() > 1) {
                LOG.warn("WAL file {} is stored more than once ({}); using {}", walFileName,
                        matches.stream().map(BlobInfo::key).toList(), matches.get(0).key());
            }
            return matches.stream().findFirst();
        }
    }

    /**
     * Opens a stored object and decodes it (decrypts, decompresses) by its key's extensions.
     *
     * @param key the key
     * @return the plain content
     */
    public InputStream openDecoded(String key) {
        InputStream raw = store.get(key);
        try {
            return format.decode(key, raw);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new IntegrityException("Cannot decode '" + key + "' in " + store.location() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    /**
     * Lists the manifests of completed backups, oldest first. A manifest that cannot be read is
     * logged and left out.
     *
     * @return the manifests
     */
    public List<BackupManifest> manifests() {
        return readAll((name, manifestBytes) -> readManifest(name), BackupManifest::finishTime);
    }

    /** The names of the stored manifests, each with its length. */
    private Map<String, Long> manifestNames() {
        Map<String, Long> names = new java.util.LinkedHashMap<>();
        try (Stream<BlobInfo> s = store.list(RepositoryLayout.BACKUPS_PREFIX)) {
            s.forEach(b -> {
                String name = RepositoryLayout.backupNameOfManifest(b.key());
                if (name != null) {
                    names.put(name, b.size());
                }
            });
        }
        return names;
    }

    /**
     * Lists the completed backups' manifests without their file lists, oldest first: from the
     * catalogue entry of a large manifest, else by streaming the manifest, so that memory does not
     * grow with the number of files in a backup. A manifest that cannot be read is logged and left
     * out, as {@link #manifests()} does.
     *
     * @return the summaries
     */
    public List<ManifestSummary> manifestSummaries() {
        return readAll(this::readManifestSummary, summary -> summary.header().finishTime());
    }

    /**
     * Reads every stored manifest with {@code read}, given its name and listed length, leaving out
     * (and logging) those that cannot be read. The backups are listed once.
     */
    private <T> List<T> readAll(java.util.function.BiFunction<String, Long, Optional<T>> read,
            java.util.function.Function<T, java.time.Instant> finishTime) {
        List<T> out = new ArrayList<>();
        for (Map.Entry<String, Long> manifest : manifestNames().entrySet()) {
            String name = manifest.getKey();
            try {
                read.apply(name, manifest.getValue()).ifPresent(out::add);
            } catch (IntegrityException e) {
                LOG.warn("Skipping backup {}: {}", name, e.getMessage());
            }
        }
        out.sort(java.util.Comparator.comparing(finishTime));
        return out;
    }

    /**
     * Reads one manifest without its file list (see {@link ManifestSummary}).
     *
     * @param name the backup name
     * @return the summary, or empty if no manifest is stored under that name
     * @throws IntegrityException if it exists but cannot be parsed
     */
    public Optional<ManifestSummary> readManifestSummary(String name) {
        Optional<BlobInfo> manifest = store.head(RepositoryLayout.manifestKey(name));
        return manifest.isEmpty() ? Optional.empty() : readManifestSummary(name, manifest.get().size());
    }

    /** As {@link #readManifestSummary(String)}, for a manifest listed with {@code manifestBytes}. */
    private Optional<ManifestSummary> readManifestSummary(String name, long manifestBytes) {
        if (manifestBytes >= CatalogueEntry.FROM_MANIFEST_BYTES) {
            Optional<ManifestSummary> entry = readCatalogueEntry(name, manifestBytes);
            if (entry.isPresent()) {
                return entry;
            }
        }
        return readStoredManifest(name, ManifestSummary::read);
    }

    /**
     * The summary a large manifest's catalogue entry holds, or empty when there is none, it cannot
     * be read, or it does not match the manifest now stored (then the manifest itself is read).
     */
    private Optional<ManifestSummary> readCatalogueEntry(String name, long manifestBytes) {
        String key = RepositoryLayout.catalogueEntryKey(name);
        CatalogueEntry entry;
        try (InputStream in = store.get(key)) {
            entry = Json.MAPPER.readValue(in, CatalogueEntry.class);
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Backup {}: its catalogue entry {} cannot be read ({}); reading its manifest instead", name, key,
                    e.getMessage());
            return Optional.empty();
        }
        String mismatch = entry.formatVersion() != CatalogueEntry.FORMAT_VERSION ? "format version " + entry.formatVersion()
                : entry.header() == null || !name.equals(entry.header().name()) ? "another backup's name"
                : entry.manifestBytes() != manifestBytes ? "a manifest of " + entry.manifestBytes() + " bytes, not "
                        + manifestBytes
                : !entry.header().files().isEmpty() ? "a file list" : null;
        if (mismatch != null) {
            LOG.warn("Backup {}: its catalogue entry {} holds {}; reading its manifest instead", name, key, mismatch);
            return Optional.empty();
        }
        try {
            return Optional.of(new ManifestSummary(entry.header().validate(RepositoryLayout.manifestKey(name)),
                    entry.fileCount()));
        } catch (RuntimeException e) {
            LOG.warn("Backup {}: its catalogue entry {} holds an invalid manifest ({}); reading its manifest instead", name,
                    key, e.getMessage());
            return Optional.empty();
        }
    }

    /** Parses a manifest's bytes; {@code key} is for messages. */
    @FunctionalInterface
    private interface ManifestReader<T> {
        T read(InputStream in, String key) throws IOException;
    }

    /**
     * Reads a backup's manifest with {@code reader}, mapping every way it can fail to the error a
     * caller acts on: absent is empty, unparsable or invalid is an {@link IntegrityException}, a
     * failing store a {@link StorageException}.
     */
    private <T> Optional<T> readStoredManifest(String name, ManifestReader<T> reader) {
        String key = RepositoryLayout.manifestKey(name);
        try (InputStream in = store.get(key)) {
            return Optional.of(reader.read(in, key));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            throw new IntegrityException("Cannot read backup manifest '" + key + "' in " + store.location()
                    + ": it does not parse (" + ManifestJson.problem(e) + "). HINT: the backup cannot be used; choose another "
                    + "backup, or delete it", e);
        } catch (IOException e) {
            throw new StorageException("Cannot read backup manifest '" + key + "' in " + store.location(), e);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IntegrityException("Backup manifest '" + key + "' holds an invalid value: " + e.getMessage(), e);
        }
    }

    /**
     * Reads one manifest.
     *
     * @param name the backup name
     * @return the manifest, or empty if none is stored under that name
     * @throws IntegrityException if it exists but cannot be parsed
     */
    public Optional<BackupManifest> readManifest(String name) {
        return readStoredManifest(name, (in, key) -> Json.MAPPER.readValue(in, BackupManifest.class).validate(key));
    }

    /**
     * Reads one manifest for a delta to be taken against it: streamed, its entries checked as
     * {@link ManifestSummary} checks them and indexed on disk, so that memory does not grow with
     * the number of files it lists. A path listed twice makes it unreadable, as a full read does.
     *
     * @param name the backup name
     * @return the manifest with its indexed file list, to be closed; empty if none is stored under that name
     * @throws IntegrityException if it exists but cannot be parsed
     */
    public Optional<IndexedManifest> readManifestIndexed(String name) {
        FileListIndex index = FileListIndex.create();
        try {
            Optional<ManifestSummary> summary = readStoredManifest(name, into(index));
            if (summary.isEmpty()) {
                index.close();
                return Optional.empty();
            }
            return Optional.of(new IndexedManifest(summary.get(), index));
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /**
     * Writes a manifest, which completes the backup. Never overwrites.
     *
     * @param manifest the manifest
     */
    public void writeManifest(BackupManifest manifest) {
        writeManifest(manifest, k -> { });
    }

    /**
     * Writes a manifest, which completes the backup, after its detached signature when the
     * configured cipher can sign (so that a listed backup always has its signature). Never
     * overwrites.
     *
     * @param manifest the manifest
     * @param creating told of each key just before it is created, so that a failed backup can
     *     remove what it wrote
     */
    public void writeManifest(BackupManifest manifest, java.util.function.Consumer<String> creating) {
        String key = RepositoryLayout.manifestKey(manifest.name());
        BlobWriter json = out -> Json.MAPPER.writeValue(new io.walkeeper.core.io.NonClosingOutputStream(out), manifest);
        Optional<io.walkeeper.spi.SupportsSigning> signer = format.signer().filter(io.walkeeper.spi.SupportsSigning::canSign);
        // the manifest is serialised twice, never held whole: first to measure it (and sign it),
        // then into the store; both passes must produce the same bytes, or the signature and the
        // catalogue entry would not match what is stored
        String[] digest = new String[1];
        long[] length = new long[1];
        BlobWriter measure = out -> {
            io.walkeeper.core.io.DigestingOutputStream digesting = new io.walkeeper.core.io.DigestingOutputStream(out);
            json.writeTo(digesting);
            digest[0] = digesting.sha256Hex();
            length[0] = digesting.count();
        };
        byte[] signature = null;
        try {
            if (signer.isPresent()) {
                signature = signer.get().sign(measure);
            } else {
                measure.writeTo(java.io.OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialise the manifest of " + manifest.name(), e);
        }
        if (length[0] >= CatalogueEntry.FROM_MANIFEST_BYTES) {
            CatalogueEntry entry = new CatalogueEntry(CatalogueEntry.FORMAT_VERSION, length[0], digest[0],
                    FileListSpill.regularFiles(manifest.files()), manifest.withoutFiles());
            String entryKey = RepositoryLayout.catalogueEntryKey(manifest.name());
            creating.accept(entryKey);
            store.create(entryKey, out -> Json.MAPPER.writeValue(new io.walkeeper.core.io.NonClosingOutputStream(out), entry));
        }
        if (signature != null) {
            byte[] signed = signature;
            String sigKey = RepositoryLayout.manifestSignatureKey(manifest.name());
            creating.accept(sigKey);
            store.create(sigKey, out -> out.write(signed));
        }
        creating.accept(key);
        store.create(key, out -> {
            if (!digest[0].equals(digestOf(json, out))) {
                throw new IllegalStateException("The manifest of " + manifest.name() + " serialised differently when "
                        + "stored than when measured; it was not written");
            }
        });
    }

    /** Writes {@code content} to {@code out}, returning the hex SHA-256 of what it wrote. */
    private static String digestOf(BlobWriter content, java.io.OutputStream out) throws IOException {
        io.walkeeper.core.io.DigestingOutputStream digesting = new io.walkeeper.core.io.DigestingOutputStream(out);
        content.writeTo(digesting);
        return digesting.sha256Hex();
    }

    /**
     * Reads a manifest for a restore or a verification, checking its signature first when the
     * configured cipher can verify signatures (an encrypted repository): a signature that does not
     * verify is refused; a manifest without one is refused unless {@code acceptUnsigned}.
     *
     * @param name the backup name
     * @param acceptUnsigned accept a manifest without a signature, with a warning
     * @return the manifest
     * @throws NotFoundException if there is no such manifest
     * @throws IntegrityException if the signature is missing (and not accepted) or does not verify
     */
    public BackupManifest readTrustedManifest(String name, boolean acceptUnsigned) {
        return readTrusted(name, acceptUnsigned, (in, k) -> Json.MAPPER.readValue(in, BackupManifest.class).validate(k));
    }

    /**
     * Reads a manifest for a restore as {@link #readTrustedManifest} does, its signature checked
     * the same way, but streamed into an index of its file list on disk (see
     * {@link #readManifestIndexed}), so that memory does not grow with the number of files.
     *
     * @param name the backup name
     * @param acceptUnsigned accept a manifest without a signature, with a warning
     * @return the manifest with its indexed file list, to be closed
     * @throws NotFoundException if there is no such manifest
     * @throws IntegrityException if the signature is missing (and not accepted) or does not verify,
     *     or the manifest does not parse, lists an invalid entry, or names a path twice
     */
    public IndexedManifest readTrustedManifestIndexed(String name, boolean acceptUnsigned) {
        FileListIndex index = FileListIndex.create();
        try {
            ManifestSummary summary = readTrusted(name, acceptUnsigned, into(index));
            return new IndexedManifest(summary, index);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
    }

    /** A reader that streams a manifest's entries into {@code index} and completes it, returning the summary. */
    private static ManifestReader<ManifestSummary> into(FileListIndex index) {
        return (in, key) -> {
            ManifestSummary read = ManifestSummary.read(in, key, index::add);
            index.complete();
            return read;
        };
    }

    /** Reads a manifest with {@code reader} once its signature is checked (see {@link #readTrustedManifest}). */
    private <T> T readTrusted(String name, boolean acceptUnsigned, ManifestReader<T> reader) {
        String key = RepositoryLayout.manifestKey(name);
        Optional<io.walkeeper.spi.SupportsSigning> verifier = format.signer();
        if (verifier.isEmpty()) {
            return readStoredManifest(name, reader)
                    .orElseThrow(() -> new NotFoundException("No backup manifest '" + key + "' in " + store.location()));
        }
        String sigKey = RepositoryLayout.manifestSignatureKey(name);
        byte[] signature;
        try {
            signature = readAll(sigKey);
        } catch (NotFoundException e) {
            signature = null;
        }
        if (signature == null && !acceptUnsigned) {
            // the manifest must exist for this to be the error to report
            store.head(key).orElseThrow(() -> new NotFoundException("No backup manifest '" + key + "' in " + store.location()));
            throw new IntegrityException("The manifest of backup " + name + " in " + store.location() + " has no "
                    + "signature, although the repository is encrypted: it was written by a host without the private "
                    + "key, by a walkeeper before manifests were signed, or replaced by someone who can write to the "
                    + "repository (HINT: if you trust it, accept unsigned manifests for this restore: "
                    + "RestoreRequest.withUnsignedManifestsAccepted(true), or --accept-unsigned-manifest)");
        }
        // read once into a private, unnamed temporary file, so that what is verified is what is
        // parsed, without holding a manifest of a million files in memory
        try (io.walkeeper.core.io.UnlinkedTempFile copy = io.walkeeper.core.io.UnlinkedTempFile.create("walkeeper-manifest-")) {
            try (InputStream in = store.get(key)) {
                in.transferTo(copy.append());
            }
            if (signature == null) {
                LOG.warn("Backup {}: its manifest has no signature; restoring it because unsigned manifests are accepted",
                        name);
            } else if (!verifier.get().verify(new java.io.BufferedInputStream(copy.readFrom(0), 1 << 16), signature)) {
                throw new IntegrityException("The manifest of backup " + name + " in " + store.location() + " does not "
                        + "match its signature " + sigKey + ": it was altered, or signed with a key this configuration "
                        + "does not hold (HINT: restore another backup, and find out who can write to the repository)");
            }
            return reader.read(new java.io.BufferedInputStream(copy.readFrom(0), 1 << 16), key);
        } catch (JsonProcessingException e) {
            throw new IntegrityException("Cannot read backup manifest '" + key + "' in " + store.location()
                    + ": it does not parse (" + ManifestJson.problem(e) + ")", e);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new IntegrityException("Backup manifest '" + key + "' holds an invalid value: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("Cannot read backup manifest '" + key + "' in " + store.location()
                    + " (through a temporary copy in java.io.tmpdir): " + e.getMessage(), e);
        }
    }

    private byte[] readAll(String key) {
        try (InputStream in = store.get(key)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new StorageException("Cannot read '" + key + "' in " + store.location(), e);
        }
    }

    /**
     * Tells whether a backup name is taken by a manifest or by any stored part.
     *
     * @param name the backup name
     * @return {@code true} if anything exists under that name
     */
    public boolean backupNameTaken(String name) {
        if (store.head(RepositoryLayout.manifestKey(name)).isPresent()) {
            return true;
        }
        try (Stream<BlobInfo> s = store.list(RepositoryLayout.backupPrefix(name))) {
            return s.findAny().isPresent();
        }
    }

    /**
     * Creates a backup's lease; fails if one of that name exists.
     *
     * @param lease the lease
     * @throws AlreadyExistsException if the name is leased already
     */
    public void createLease(BackupLease lease) {
        store.create(RepositoryLayout.leaseKey(lease.name()), out -> Json.MAPPER.writeValue(
                new io.walkeeper.core.io.NonClosingOutputStream(out), lease));
    }

    /**
     * Replaces a backup's lease, e.g. with a later renewal time.
     *
     * @param lease the lease
     */
    public void renewLease(BackupLease lease) {
        store.put(RepositoryLayout.leaseKey(lease.name()), out -> Json.MAPPER.writeValue(
                new io.walkeeper.core.io.NonClosingOutputStream(out), lease));
    }

    /**
     * Removes a backup's lease.
     *
     * @param name the backup name
     */
    public void deleteLease(String name) {
        store.delete(List.of(RepositoryLayout.leaseKey(name)));
    }

    /**
     * Reads one lease.
     *
     * @param name the backup name
     * @return the lease, or empty if none is stored
     * @throws IntegrityException if it exists but cannot be parsed
     */
    public Optional<BackupLease> readLease(String name) {
        String key = RepositoryLayout.leaseKey(name);
        try (InputStream in = store.get(key)) {
            BackupLease lease = Json.MAPPER.readValue(in, BackupLease.class);
            if (lease.name() == null || lease.renewedAt() == null || lease.startWalSegment() == null
                    || !name.equals(lease.name())) {
                throw new IntegrityException("Backup lease '" + key + "' in " + store.location() + " is incomplete or names "
                        + "another backup");
            }
            Instant.parse(lease.renewedAt());
            return Optional.of(lease);
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (JsonProcessingException | java.time.DateTimeException e) {
            throw new IntegrityException("Cannot read backup lease '" + key + "' in " + store.location() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("Cannot read backup lease '" + key + "' in " + store.location(), e);
        }
    }

    /**
     * Lists the leases of running backups (and of killed ones, until removed).
     *
     * @return the leases, by backup name
     * @throws IntegrityException if one cannot be read
     */
    public List<BackupLease> leases() {
        List<String> names = new ArrayList<>();
        try (Stream<BlobInfo> s = store.list(RepositoryLayout.BACKUPS_PREFIX)) {
            s.forEach(b -> {
                String name = RepositoryLayout.backupNameOfLease(b.key());
                if (name != null) {
                    names.add(name);
                }
            });
        }
        List<BackupLease> out = new ArrayList<>();
        for (String name : names) {
            readLease(name).ifPresent(out::add);
        }
        return out;
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing more to do
        }
    }
}
