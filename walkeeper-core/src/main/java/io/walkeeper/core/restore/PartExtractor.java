package io.walkeeper.core.restore;

import io.walkeeper.api.ErrorCode;
import io.walkeeper.api.IntegrityException;
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

/**
 * Downloads one part, checks its SHA-256 and size against the manifest, and hands the files it
 * holds to a {@link FileAssembler}. Only regular files the manifest lists for this part are
 * accepted: absolute paths, {@code ..}, links and devices in a tar stream are refused as hostile.
 * Entries the restore no longer needs are read past (the whole part is still verified).
 */
final class PartExtractor {
    private static final int BUFFER = 256 * 1024;

    private final Repository repository;
    private final String backupPrefix;
    private final Map<String, FileEntry> expected;
    private final FileAssembler assembler;

    /** Maps a path inside the backup to where it is written. */
    @FunctionalInterface
    interface PathResolver {
        Path resolve(String archivePath);
    }

    PartExtractor(Repository repository, String backupPrefix, Map<String, FileEntry> expected,
                  FileAssembler assembler) {
        this.repository = repository;
        this.backupPrefix = backupPrefix;
        this.expected = expected;
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
        try (InputStream raw = repository.store().get(key)) {
            digest = new DigestingInputStream(new BufferedInputStream(raw, BUFFER));
            try {
                InputStream plain = repository.format().decode(key, digest);
                TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(plain, BUFFER));
                writeEntries(tar, key, write);
                plain.transferTo(OutputStream.nullOutputStream());
                digest.drain();
            } catch (WalKeeperException e) {
                throw io.walkeeper.core.repo.ObjectFormat.withObject(e, key);
            } catch (IOException | RuntimeException e) {
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
                    + " bytes with SHA-256 " + part.sha256() + " (HINT: restore from another backup; the restore was undone)");
        }
        return digest.count();
    }

    private IntegrityException corrupt(String key, BackupManifest.Part part, DigestingInputStream digest, Exception e) {
        return new IntegrityException("Backup part '" + key + "' in " + repository.store().location()
                + " is corrupt: " + e.getMessage() + " (stored " + digest.count() + " bytes, manifest recorded "
                + part.storedSize() + "; HINT: restore from another backup; the restore was undone)", e);
    }

    private void writeEntries(TarArchiveInputStream tar, String key, boolean write) throws IOException {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            if (Thread.currentThread().isInterrupted()) {
                throw new WalKeeperException(ErrorCode.INTERRUPTED, "Restore of part '" + key + "' interrupted");
            }
            String name = e.getName();
            FileEntry want = expected.get(name);
            if (!e.isFile() || e.isLink() || e.isSymbolicLink() || want == null || want.isDirectory()
                    || name.startsWith("/") || name.contains("..") || name.contains("\\")) {
                throw new IntegrityException("Backup part '" + key + "' holds an unexpected entry '" + name
                        + "' (type " + (char) e.getLinkFlag() + "): refusing to write it (HINT: the part was altered; restore from another backup)");
            }
            if (e.getSize() != want.tarEntrySize()) {
                throw new IntegrityException("Backup part '" + key + "' holds '" + name + "' with " + e.getSize()
                        + " bytes, but the manifest recorded " + want.tarEntrySize());
            }
            if (!write || !assembler.needed(name)) {
                continue; // the next entry is found by reading past this one: its bytes are still digested
            }
            if (want.storageKind() == FileEntry.Storage.DELTA) {
                assembler.applyDelta(name, tar, e.getSize(), want.size());
            } else {
                assembler.applyWhole(name, tar, e.getSize());
            }
        }
    }
}
