package io.walkeeper.core.restore;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.IntegrityException;
import io.walkeeper.api.NotFoundException;
import io.walkeeper.api.StorageException;
import io.walkeeper.api.WalKeeperException;
import io.walkeeper.core.io.DigestingInputStream;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.Repository;
import io.walkeeper.core.storage.StorageReadException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Downloads one part, checks its SHA-256 and size against the manifest, and hands the files it
 * holds to a {@link FileAssembler}. Only regular files the manifest lists for this part are
 * accepted: absolute paths, {@code ..}, links and devices in a tar stream are refused as hostile.
 * Entries the restore no longer needs are read past (the whole part is still verified). A part
 * holding a chunk of a large file holds exactly that file's range the manifest records for it,
 * and a failure names the file and the chunk.
 */
final class PartExtractor {
    private static final int BUFFER = 256 * 1024;

    private final Repository repository;
    private final String backupPrefix;
    /** This part's entry of a path, or {@code null} when the manifest does not store it here. */
    private final Function<String, FileEntry> expected;
    /** The file this part holds a chunk of, if any: for messages only. */
    private final Supplier<Optional<FileEntry>> chunkedFile;
    private final FileAssembler assembler;

    /** Maps a path inside the backup to where it is written. */
    @FunctionalInterface
    interface PathResolver {
        Path resolve(String archivePath);
    }

    PartExtractor(Repository repository, String backupPrefix, Map<String, FileEntry> expected,
                  FileAssembler assembler) {
        this(repository, backupPrefix, expected::get,
                () -> expected.values().stream().filter(f -> f.chunks() != null).findFirst(), assembler);
    }

    /**
     * Creates an extractor that looks up what the manifest stores in the part.
     *
     * @param expected this part's entry of a path, or {@code null} when the part should not hold it
     * @param chunkedFile finds the file the part holds a chunk of, for messages
     */
    PartExtractor(Repository repository, String backupPrefix, Function<String, FileEntry> expected,
                  Supplier<Optional<FileEntry>> chunkedFile, FileAssembler assembler) {
        this.repository = repository;
        this.backupPrefix = backupPrefix;
        this.expected = expected;
        this.chunkedFile = chunkedFile;
        this.assembler = assembler;
    }

    void extract(BackupManifest.Part part) {
        process(part, true);
    }

    /**
     * Reads a part through, checking it as {@link #extract} does, and writes nothing.
     *
     * @param part the part
     * @return the stored bytes read
     * @throws IntegrityException if the part is corrupt or does not hold what the manifest says
     */
    long verify(BackupManifest.Part part) {
        return process(part, false);
    }

    private long process(BackupManifest.Part part, boolean write) {
        String key = backupPrefix + part.key();
        DigestingInputStream digest;
        try (InputStream raw = get(key, part)) {
            digest = new DigestingInputStream(new BufferedInputStream(raw, BUFFER));
            try {
                InputStream plain = repository.format().decode(key, digest);
                TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(plain, BUFFER));
                writeEntries(tar, key, part.key(), write);
                plain.transferTo(OutputStream.nullOutputStream());
                digest.drain();
            } catch (WalKeeperException e) {
                WalKeeperException named = io.walkeeper.core.repo.ObjectFormat.withObject(e, key);
                String held = chunkHeld(part);
                if (held.isEmpty() || !(named instanceof IntegrityException)) {
                    throw named;
                }
                throw new IntegrityException(named.getMessage() + held, named);
            } catch (IOException | RuntimeException e) {
                if (TargetWriteException.in(e)) {
                    throw new StorageException(targetFailure(e) + " (HINT: check the free space, permissions and health of the "
                            + "restore target; the backup is not at fault; the restore was undone)", e, false);
                }
                if (StorageReadException.in(e)) {
                    throw new StorageException("Cannot read part '" + key + "' from " + repository.store().location()
                            + ": " + e.getMessage() + " (HINT: the storage or the network failed, not the backup; try again)", e, true);
                }
                digest.drain();
                throw corrupt(key, part, digest, e);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot read part '" + key + "' from " + repository.store().location() + ": " + e.getMessage(), e);
        }
        String sha = digest.sha256Hex();
        if (digest.count() != part.storedSize() || !sha.equals(part.sha256())) {
            throw new IntegrityException("Backup part '" + key + "' in " + repository.store().location() + " is corrupt: it has "
                    + digest.count() + " bytes with SHA-256 " + sha + " but the manifest recorded " + part.storedSize()
                    + " bytes with SHA-256 " + part.sha256() + chunkHeld(part) + " (HINT: restore from another backup; the restore was undone)");
        }
        return digest.count();
    }

    /** Opens a part; a missing part that holds a chunk is a damaged backup, named by the file and chunk. */
    private InputStream get(String key, BackupManifest.Part part) {
        try {
            return repository.store().get(key);
        } catch (NotFoundException e) {
            String held = chunkHeld(part);
            if (held.isEmpty()) {
                throw e;
            }
            throw new IntegrityException("Backup part '" + key + "' is missing from " + repository.store().location() + held
                    + " (HINT: restore from another backup; the restore was undone)", e);
        }
    }

    private static String targetFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TargetWriteException) {
                return c.getMessage();
            }
        }
        return t.getMessage();
    }

    private IntegrityException corrupt(String key, BackupManifest.Part part, DigestingInputStream digest, Exception e) {
        return new IntegrityException("Backup part '" + key + "' in " + repository.store().location()
                + " is corrupt: " + e.getMessage() + " (stored " + digest.count() + " bytes, manifest recorded "
                + part.storedSize() + chunkHeld(part) + "; HINT: restore from another backup; the restore was undone)", e);
    }

    /** Names the chunk of a large file a part holds, e.g. {@code ; it holds chunk 2 of 10 of 'base/5/16397'...}, or nothing. */
    private String chunkHeld(BackupManifest.Part part) {
        return chunkedFile.get().flatMap(f -> f.chunkIn(part.key()).map(c -> "; it holds chunk "
                + (f.chunks().indexOf(c) + 1) + " of " + f.chunks().size() + " of '" + f.path() + "', bytes "
                + c.offset() + " to " + (c.offset() + c.length()))).orElse("");
    }

    private void writeEntries(TarArchiveInputStream tar, String key, String partKey, boolean write) throws IOException {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            if (Thread.currentThread().isInterrupted()) {
                throw new WalKeeperException(ErrorCode.INTERRUPTED, "Restore of part '" + key + "' interrupted");
            }
            String name = e.getName();
            FileEntry want = expected.apply(name);
            if (!e.isFile() || e.isLink() || e.isSymbolicLink() || want == null || want.isDirectory()
                    || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
                throw new IntegrityException("Backup part '" + key + "' holds an unexpected entry '" + name
                        + "' (type " + (char) e.getLinkFlag() + "): refusing to write it (HINT: the part was altered; restore from another backup)");
            }
            FileEntry.Chunk chunk = want.chunkIn(partKey).orElse(null);
            if (want.chunks() != null && chunk == null) {
                throw new IntegrityException("Backup part '" + key + "' holds '" + name + "', which the manifest stores in "
                        + "chunks of other parts: refusing to write it (HINT: the part was altered; restore from another backup)");
            }
            long size = chunk == null ? want.tarEntrySize() : chunk.length();
            if (e.getSize() != size) {
                throw new IntegrityException("Backup part '" + key + "' holds '" + name + "' with " + e.getSize()
                        + " bytes, but the manifest recorded " + size);
            }
            if (!write || !assembler.needed(name)) {
                continue; // the next entry is found by reading past this one: its bytes are still digested
            }
            if (chunk != null) {
                assembler.applyRange(name, tar, chunk.offset(), chunk.length());
            } else if (want.storageKind() == FileEntry.Storage.DELTA) {
                assembler.applyDelta(name, tar, e.getSize(), want.size());
            } else {
                assembler.applyWhole(name, tar, e.getSize());
            }
        }
    }
}
