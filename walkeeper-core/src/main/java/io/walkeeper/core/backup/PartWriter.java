package io.walkeeper.core.backup;

import io.walkeeper.core.io.DigestingOutputStream;
import io.walkeeper.core.io.NonClosingOutputStream;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.Repository;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams a list of files into one tar part, compressed (and encrypted) on the way, straight into
 * a create-if-absent object: no file or part is ever held in memory. Each file is copied up to
 * the size seen when the backup started: a file that grew is cut there, one that shrank is padded
 * with zeros, and one that vanished is left out (WAL replay repairs all three).
 */
final class PartWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PartWriter.class);
    private static final int BUFFER = 256 * 1024;

    private final Repository repository;
    private final String backupPrefix;
    private final AtomicLong bytesRead;

    PartWriter(Repository repository, String backupPrefix, AtomicLong bytesRead) {
        this.repository = repository;
        this.backupPrefix = backupPrefix;
        this.bytesRead = bytesRead;
    }

    /**
     * What one part holds.
     *
     * @param part the manifest entry of the part
     * @param files the files actually stored (vanished ones are missing)
     */
    record Written(BackupManifest.Part part, List<BackupManifest.FileEntry> files) {
    }

    Written write(String partBaseName, List<SourceFile> files) {
        String key = repository.format().keyFor(partBaseName + ".tar");
        String partKey = key;
        List<BackupManifest.FileEntry> stored = new ArrayList<>();
        long[] sizes = new long[2];
        String[] sha = new String[1];
        repository.store().create(backupPrefix + key, raw -> {
            stored.clear();
            DigestingOutputStream digest = new DigestingOutputStream(new NonClosingOutputStream(raw));
            OutputStream encoded = repository.format().encode(digest);
            CountingStream counting = new CountingStream(new BufferedOutputStream(encoded, BUFFER));
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(counting)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                byte[] buf = new byte[BUFFER];
                ByteBuffer bb = ByteBuffer.wrap(buf);
                for (SourceFile f : files) {
                    if (copyFile(tar, f, buf, bb)) {
                        stored.add(new BackupManifest.FileEntry(f.archivePath(), "file", f.size(), f.mode(),
                                f.mtime().toString(), partKey));
                    }
                }
                tar.finish();
            }
            sizes[0] = counting.count;
            sizes[1] = digest.count();
            sha[0] = digest.sha256Hex();
        });
        LOG.debug("Stored part {} ({} files, {} bytes of tar, {} bytes stored)", key, stored.size(), sizes[0], sizes[1]);
        return new Written(new BackupManifest.Part(key, sizes[1], sha[0], sizes[0], stored.size()), List.copyOf(stored));
    }

    private boolean copyFile(TarArchiveOutputStream tar, SourceFile f, byte[] buf, ByteBuffer bb) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(f.source(), StandardOpenOption.READ);
        } catch (NoSuchFileException vanished) {
            LOG.debug("{} vanished during the backup; WAL replay recreates it if needed", f.archivePath());
            return false;
        }
        try (ch) {
            TarArchiveEntry e = new TarArchiveEntry(f.archivePath(), TarArchiveEntry.LF_NORMAL, true);
            e.setSize(f.size());
            e.setMode(f.mode());
            e.setModTime(f.mtime().toEpochMilli());
            tar.putArchiveEntry(e);
            long left = f.size();
            while (left > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("backup of " + f.archivePath() + " interrupted");
                }
                bb.clear();
                bb.limit((int) Math.min(buf.length, left));
                int n = ch.read(bb);
                if (n < 0) {
                    break;
                }
                tar.write(buf, 0, n);
                left -= n;
                bytesRead.addAndGet(n);
            }
            if (left > 0) {
                LOG.debug("{} shrank during the backup; padding {} bytes with zeros", f.archivePath(), left);
                Arrays.fill(buf, (byte) 0);
                while (left > 0) {
                    int n = (int) Math.min(buf.length, left);
                    tar.write(buf, 0, n);
                    left -= n;
                }
            }
            tar.closeArchiveEntry();
            return true;
        }
    }

    /** Counts the tar bytes before compression. */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
