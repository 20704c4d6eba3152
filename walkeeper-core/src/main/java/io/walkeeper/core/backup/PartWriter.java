package io.walkeeper.core.backup;

import io.walkeeper.api.CorruptPage;
import io.walkeeper.core.io.DigestingOutputStream;
import io.walkeeper.core.io.NonClosingOutputStream;
import io.walkeeper.core.page.PageChecksum;
import io.walkeeper.core.page.Pages;
import io.walkeeper.core.page.RelationFile;
import io.walkeeper.core.pg.ChangedBlocks;
import io.walkeeper.core.repo.BackupManifest;
import io.walkeeper.core.repo.DeltaFile;
import io.walkeeper.core.repo.FileEntry;
import io.walkeeper.core.repo.FileListSpill;
import io.walkeeper.core.repo.Repository;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Streams a list of files into one tar part, compressed (and encrypted) on the way, straight into
 * a create-if-absent object: no file or part is ever held in memory. Each file is copied up to
 * the size seen when the backup started: a file that grew is cut there, one that shrank is padded
 * with zeros, and one that vanished is left out (WAL replay repairs all three).
 *
 * <p>Pages of relation files are checked as they are read (header, and checksum when the cluster
 * has them and the page is older than the backup start). In a delta backup, relation main and
 * init forks are stored as their changed pages ({@link DeltaFile}); other files are stored whole
 * unless size and modification time show that the parent chain holds them as they are. A
 * relation file whose size and modification time are as the parent recorded them, and older
 * than the parent's start, is recorded as unchanged without being opened ({@link MtimeSkipRule}).
 * The changed pages a delta's scan finds are kept as it reads them (up to a fixed amount per
 * writer) and written from memory; only those past that amount are read again.
 *
 * <p>A piece of a large file ({@link #writeChunk}) is a part of its own, so that the pieces of
 * one file are read, checked, compressed, hashed and uploaded by several writers at once.
 *
 * <p>Over 300 lines because reading, page checking, delta encoding and the tar stream of one
 * file interleave on the same buffer; the decisions about what to copy live in
 * {@link DeltaPlanner} and the manifest entries.
 */
final class PartWriter {
    private static final Logger LOG = LoggerFactory.getLogger(PartWriter.class);
    private static final int BUFFER = 256 * 1024;
    /** Changed pages a delta's scan keeps for writing, so that they are not read a second time. */
    private static final int DELTA_PAGES_KEPT = 8 << 20;
    private static final String PG_CONTROL = "global/pg_control";
    /** A file modified this close to (or after) the time its copy began may have changed after it was read. */
    private static final long MTIME_MARGIN_SECONDS = 2;

    private final Repository repository;
    private final String backupPrefix;
    private final BackupContext context;

    PartWriter(Repository repository, String backupPrefix, BackupContext context) {
        this.repository = repository;
        this.backupPrefix = backupPrefix;
        this.context = context;
    }

    /**
     * What one part holds.
     *
     * @param part the manifest entry of the part
     * @param spill the files of this part's share of the walk (vanished ones are missing,
     *     unchanged ones have no part), kept on disk: a part of small files may hold half a
     *     million of them; closing removes them
     */
    record Written(BackupManifest.Part part, FileListSpill spill) implements AutoCloseable {
        /** @return the files, read back from disk as they are iterated */
        List<FileEntry> files() {
            return spill.entries();
        }

        @Override
        public void close() {
            spill.close();
        }
    }

    /** Figures of one attempt at writing a part, added to the context once the part is stored. */
    private static final class Figures {
        long bytesRead;
        long pagesScanned;
        long pagesStored;
        long whole;
        long delta;
        long unchanged;
        long unread;
        long unreadBytes;
        final List<CorruptPage> corrupt = new ArrayList<>();
    }

    Written write(String partBaseName, List<SourceFile> files) {
        return write(partBaseName, (copy, entries) -> {
            for (SourceFile f : files) {
                FileEntry e = copy.store(f);
                if (e != null) {
                    entries.accept(e);
                }
            }
        });
    }

    /**
     * Writes one piece of a large file, bytes {@code offset} to {@code offset + length}, as the
     * only entry of a part of its own; the entry lists that one chunk, and the pieces of a file
     * are joined into one entry when every part is stored.
     */
    Written writeChunk(String partBaseName, SourceFile file, long offset, long length) {
        return write(partBaseName, (copy, entries) -> entries.accept(copy.storeChunk(file, offset, length)));
    }

    /** What goes into one part's tar stream; run again from the start when the upload is retried. */
    @FunctionalInterface
    private interface Body {
        void copy(FileCopy copy, Consumer<FileEntry> entries) throws IOException;
    }

    private Written write(String partBaseName, Body body) {
        String key = repository.format().keyFor(partBaseName + ".tar");
        FileListSpill[] spill = new FileListSpill[1];
        int[] stored = new int[1];
        long[] sizes = new long[2];
        String[] sha = new String[1];
        Figures[] figures = new Figures[1];
        context.creating(backupPrefix + key);
        try {
            repository.store().create(backupPrefix + key, raw -> writeTar(raw, key, body, spill, stored, sizes, sha, figures));
        } catch (RuntimeException | Error e) {
            if (spill[0] != null) {
                spill[0].close();
            }
            throw e;
        }
        Figures fig = figures[0];
        context.bytesRead.addAndGet(fig.bytesRead);
        context.pagesScanned.addAndGet(fig.pagesScanned);
        context.pagesStored.addAndGet(fig.pagesStored);
        context.filesWhole.addAndGet(fig.whole);
        context.filesDelta.addAndGet(fig.delta);
        context.filesUnchanged.addAndGet(fig.unchanged);
        context.filesUnread.addAndGet(fig.unread);
        context.bytesUnread.addAndGet(fig.unreadBytes);
        fig.corrupt.forEach(context::corruptPage);
        LOG.debug("Stored part {} ({} files, {} bytes of tar, {} bytes stored)", key, stored[0], sizes[0], sizes[1]);
        return new Written(new BackupManifest.Part(key, sizes[1], sha[0], sizes[0], stored[0]), spill[0]);
    }

    /** One attempt at the part's tar stream; a retried upload starts its file list again. */
    private void writeTar(OutputStream raw, String key, Body body, FileListSpill[] spill, int[] stored, long[] sizes,
                          String[] sha, Figures[] figures) throws IOException {
        if (spill[0] != null) {
            spill[0].close();
        }
        FileListSpill entries = FileListSpill.create();
        spill[0] = entries;
        stored[0] = 0;
        Figures fig = new Figures();
        figures[0] = fig;
        DigestingOutputStream digest = new DigestingOutputStream(new NonClosingOutputStream(raw));
        OutputStream encoded = repository.format().encode(digest);
        CountingStream counting = new CountingStream(new BufferedOutputStream(encoded, BUFFER));
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(counting)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            body.copy(new FileCopy(tar, key, fig), e -> {
                entries.add(e);
                if (e.part() != null) {
                    stored[0]++;
                }
            });
            tar.finish();
        }
        sizes[0] = counting.count;
        sizes[1] = digest.count();
        sha[0] = digest.sha256Hex();
    }

    /** Stores files into one tar stream. */
    private final class FileCopy {
        private final TarArchiveOutputStream tar;
        private final String partKey;
        private final Figures fig;
        private final int blockSize = context.blockSize;
        private final byte[] buf = new byte[BUFFER];
        private final ByteBuffer bb = ByteBuffer.wrap(buf);
        private final byte[] page = new byte[context.blockSize];
        /** The first changed pages of the file last scanned, in block order; allocated by the first delta. */
        private byte[] kept;
        private int keptPages;

        FileCopy(TarArchiveOutputStream tar, String partKey, Figures fig) {
            this.tar = tar;
            this.partKey = partKey;
            this.fig = fig;
        }

        FileEntry store(SourceFile f) throws IOException {
            FileEntry parent = context.delta() ? context.parentFiles.apply(f.archivePath()) : null;
            FileEntry unread = unread(f, parent);
            if (unread != null) {
                return unread;
            }
            FileChannel ch;
            try {
                ch = FileChannel.open(f.source(), StandardOpenOption.READ);
            } catch (NoSuchFileException vanished) {
                LOG.debug("{} vanished during the backup; WAL replay recreates it if needed", f.archivePath());
                return null;
            }
            try (ch) {
                Optional<RelationFile> rel = RelationFile.parse(f.archivePath());
                boolean paged = rel.isPresent() && f.size() % blockSize == 0;
                if (parent != null && !parent.isDirectory()) {
                    if (paged && rel.get().pageIncremental() && parent.size() % blockSize == 0) {
                        ChangedBlocks.FileBlocks named = context.changedBlocks == null ? null
                                : context.changedBlocks.forFile(f.archivePath(), context.blocksPerSegment);
                        if (named != null && named.all()) {
                            return writeWhole(ch, f, rel.get());
                        }
                        Scan scan = named == null ? scan(ch, f, rel.get(), parent.size() / blockSize)
                                : scanNamed(ch, f, rel.get(), parent.size() / blockSize, named);
                        if (!scan.badHeader) {
                            if (scan.blocks.length == 0 && f.size() == parent.size()) {
                                fig.unchanged++;
                                fig.unreadBytes += scan.unreadBytes;
                                return entry(f, null, FileEntry.Storage.UNCHANGED, 0, parent.copiedAt(), parent.sha256());
                            }
                            DeltaFile d = new DeltaFile(blockSize, f.size(), scan.blocks);
                            if (d.entrySize() < f.size()) {
                                fig.unreadBytes += scan.unreadBytes;
                                writeDelta(ch, f, d);
                                fig.delta++;
                                return entry(f, partKey, FileEntry.Storage.DELTA, d.entrySize(), null, null);
                            }
                        }
                        return writeWhole(ch, f, null);
                    }
                    if (!PG_CONTROL.equals(f.archivePath()) && unchanged(ch, f, parent)) {
                        fig.unchanged++;
                        return entry(f, null, FileEntry.Storage.UNCHANGED, 0, parent.copiedAt(), parent.sha256());
                    }
                }
                return writeWhole(ch, f, paged ? rel.get() : null);
            }
        }

        /**
         * The unchanged entry of a relation file that a delta records without opening it (see
         * {@link MtimeSkipRule}), or {@code null} when the file must be read.
         */
        private FileEntry unread(SourceFile f, FileEntry parent) {
            if (parent == null || f.size() % blockSize != 0
                    || !RelationFile.parse(f.archivePath()).map(RelationFile::pageIncremental).orElse(false)
                    || MtimeSkipRule.judge(f, parent, context.parentStart, context.backupStart)
                    != MtimeSkipRule.Verdict.SKIP_UNREAD) {
                return null;
            }
            fig.unchanged++;
            fig.unread++;
            fig.unreadBytes += f.size();
            return entry(f, null, FileEntry.Storage.UNCHANGED, 0, parent.copiedAt(), parent.sha256());
        }

        private FileEntry entry(SourceFile f, String part, FileEntry.Storage storage, long entrySize, Instant copiedAt,
                                String sha256) {
            return FileEntry.file(f.archivePath()).size(f.size()).mode(f.mode()).mtime(f.mtime()).part(part)
                    .storage(storage).entrySize(entrySize).copiedAt(copiedAt).sha256(sha256).build();
        }

        /**
         * Whether a file stored whole when changed is as the chain holds it: for a file under
         * {@link BackupManifest#HASHED_BELOW} bytes, its content hashes as recorded (a file the
         * chain holds without a hash counts as changed); for a larger one, size and modification
         * time are as recorded and the time is older than the chain's copy by a safe margin.
         */
        private boolean unchanged(FileChannel ch, SourceFile f, FileEntry parent) throws IOException {
            if (f.size() != parent.size()) {
                return false;
            }
            if (f.size() < BackupManifest.HASHED_BELOW) {
                return parent.sha256() != null && parent.sha256().equals(contentHash(ch, f));
            }
            return unchangedSinceCopied(f, parent);
        }

        /** The SHA-256 of a small file's first {@code f.size()} bytes, zero-padded if it shrank, as a whole copy would store them. */
        private String contentHash(FileChannel ch, SourceFile f) throws IOException {
            MessageDigest sha = sha256();
            long pos = 0;
            while (pos < f.size()) {
                int want = (int) Math.min(buf.length, f.size() - pos);
                int got = readFully(ch, pos, want);
                Arrays.fill(buf, got, want, (byte) 0);
                sha.update(buf, 0, want);
                pos += want;
            }
            return HexFormat.of().formatHex(sha.digest());
        }

        /** Size and mtime as recorded, and the mtime older than the copy the chain holds by a safe margin. */
        private boolean unchangedSinceCopied(SourceFile f, FileEntry parent) {
            if (parent.copiedAt() == null || parent.mtime() == null || f.size() != parent.size()) {
                return false;
            }
            return f.mtime().equals(parent.mtime())
                    && f.mtime().isBefore(parent.copiedAt().minusSeconds(MTIME_MARGIN_SECONDS));
        }

        /** Pages of a file a delta must store, and the bytes it left unread (WAL summaries). */
        private record Scan(int[] blocks, boolean badHeader, long unreadBytes) {
        }

        private Scan scan(FileChannel ch, SourceFile f, RelationFile rel, long parentBlocks) throws IOException {
            keptPages = 0;
            long blocks = f.size() / blockSize;
            int[] keep = new int[(int) Math.min(blocks, 1024)];
            int kept = 0;
            boolean badHeader = false;
            long block = 0;
            while (block < blocks) {
                int pages = (int) Math.min(buf.length / blockSize, blocks - block);
                int got = readFully(ch, block * blockSize, pages * blockSize);
                Arrays.fill(buf, got, pages * blockSize, (byte) 0);
                for (int i = 0; i < pages; i++, block++) {
                    int off = i * blockSize;
                    Pages.Verdict v = check(ch, f, rel, block, off);
                    if (v == Pages.Verdict.BAD_HEADER) {
                        badHeader = true;
                    }
                    boolean changed = v == Pages.Verdict.ZERO || block >= parentBlocks
                            || Long.compareUnsigned(Pages.lsn(buf, off), context.parentStartLsn) >= 0;
                    if (changed) {
                        if (kept == keep.length) {
                            keep = Arrays.copyOf(keep, Math.max(16, keep.length * 2));
                        }
                        keep[kept++] = (int) block;
                        keepPage(off);
                    }
                }
            }
            return new Scan(Arrays.copyOf(keep, kept), badHeader, 0);
        }

        /**
         * Reads only the blocks the WAL summaries name, and every block from the first one past
         * the parent's end or the fork's limit block on, all of which the delta stores; the other
         * blocks are on disk as the parent read them and are not read.
         */
        private Scan scanNamed(FileChannel ch, SourceFile f, RelationFile rel, long parentBlocks,
                               ChangedBlocks.FileBlocks named) throws IOException {
            keptPages = 0;
            long blocks = f.size() / blockSize;
            long tail = Math.min(Math.min(named.limit(), parentBlocks), blocks);
            int[] listed = named.blocks();
            int maxPages = buf.length / blockSize;
            int[] keep = new int[16];
            int kept = 0;
            boolean badHeader = false;
            int i = 0;
            long block = 0;
            while (true) {
                while (i < listed.length && listed[i] < block) {
                    i++;
                }
                long first = i < listed.length && listed[i] < tail ? listed[i] : Math.max(tail, block);
                if (first >= blocks) {
                    break;
                }
                long end = first + 1;
                if (first >= tail) {
                    end = Math.min(blocks, first + maxPages);
                } else {
                    for (int j = i + 1; j < listed.length && listed[j] == end && end < tail && end - first < maxPages; j++) {
                        end++;
                    }
                }
                int pages = (int) (end - first);
                int got = readFully(ch, first * blockSize, pages * blockSize);
                Arrays.fill(buf, got, pages * blockSize, (byte) 0);
                for (int p = 0; p < pages; p++) {
                    if (check(ch, f, rel, first + p, p * blockSize) == Pages.Verdict.BAD_HEADER) {
                        badHeader = true;
                    }
                    if (kept == keep.length) {
                        keep = Arrays.copyOf(keep, keep.length * 2);
                    }
                    keep[kept++] = (int) (first + p);
                    keepPage(p * blockSize);
                }
                block = end;
            }
            return new Scan(Arrays.copyOf(keep, kept), badHeader, (blocks - kept) * (long) blockSize);
        }

        /**
         * Checks the page at {@code buf[off]}; a page that fails is read again once (it may have
         * been caught mid-write) and the second read replaces it in the buffer.
         */
        private Pages.Verdict check(FileChannel ch, SourceFile f, RelationFile rel, long block, int off) throws IOException {
            fig.pagesScanned++;
            long absolute = rel.absoluteBlock(block, context.blocksPerSegment);
            Pages.Verdict v = verify(buf, off, absolute);
            if (v == Pages.Verdict.ZERO || v == Pages.Verdict.VALID) {
                return v;
            }
            int got = readAt(ch, block * blockSize, page);
            if (got < blockSize) {
                Arrays.fill(page, got, blockSize, (byte) 0);
            }
            System.arraycopy(page, 0, buf, off, blockSize);
            v = verify(buf, off, absolute);
            if (v == Pages.Verdict.BAD_CHECKSUM || v == Pages.Verdict.BAD_HEADER) {
                int expected = PageChecksum.compute(buf, off, blockSize, absolute);
                fig.corrupt.add(new CorruptPage(f.archivePath(), block, expected, Pages.storedChecksum(buf, off)));
                LOG.warn("Data page {} block {} is {} (read twice)", f.archivePath(), block,
                        v == Pages.Verdict.BAD_HEADER ? "not a valid page" : "failing its checksum");
                if (context.failOnCorruptPage) {
                    context.corruptPage(fig.corrupt.get(fig.corrupt.size() - 1));
                }
            }
            return v;
        }

        private Pages.Verdict verify(byte[] b, int off, long absolute) {
            boolean older = Long.compareUnsigned(Pages.lsn(b, off), context.backupStartLsn) < 0;
            return Pages.verify(b, off, blockSize, context.checksums && older, absolute);
        }

        /**
         * Stores bytes {@code offset} to {@code offset + length} of a large file as a tar entry
         * of its path, pages checked as in a whole copy. A file that vanished before this piece
         * was read is stored as zeros, as the rest of a file that shrank is: the other pieces
         * may already be stored, and WAL replay removes or repairs the file.
         */
        FileEntry storeChunk(SourceFile f, long offset, long length) throws IOException {
            Optional<RelationFile> rel = RelationFile.parse(f.archivePath());
            RelationFile verify = rel.isPresent() && f.size() % blockSize == 0 ? rel.get() : null;
            FileChannel ch;
            try {
                ch = FileChannel.open(f.source(), StandardOpenOption.READ);
            } catch (NoSuchFileException vanished) {
                LOG.debug("{} vanished during the backup; storing bytes {} to {} as zeros", f.archivePath(), offset,
                        offset + length);
                ch = null;
            }
            try (FileChannel open = ch) {
                writeRange(open, f, verify, offset, length, null);
            }
            if (offset == 0) {
                fig.whole++;
            }
            return FileEntry.file(f.archivePath()).size(f.size()).mode(f.mode()).mtime(f.mtime()).part(partKey)
                    .storage(FileEntry.Storage.WHOLE).entrySize(f.size()).copiedAt(context.backupStart)
                    .chunks(List.of(new FileEntry.Chunk(partKey, offset, length))).build();
        }

        private FileEntry writeWhole(FileChannel ch, SourceFile f, RelationFile verify) throws IOException {
            MessageDigest sha = f.size() < BackupManifest.HASHED_BELOW ? sha256() : null;
            writeRange(ch, f, verify, 0, f.size(), sha);
            fig.whole++;
            return entry(f, partKey, FileEntry.Storage.WHOLE, f.size(), context.backupStart,
                    sha == null ? null : HexFormat.of().formatHex(sha.digest()));
        }

        /** Writes bytes {@code from} to {@code from + length} of a file as one tar entry ({@code ch} null: zeros). */
        private void writeRange(FileChannel ch, SourceFile f, RelationFile verify, long from, long length,
                                MessageDigest sha) throws IOException {
            tar.putArchiveEntry(tarEntry(f, length));
            long end = from + length;
            long pos = from;
            while (pos < end) {
                interruptCheck(f);
                int want = (int) Math.min(buf.length, end - pos);
                int got = ch == null ? 0 : readFully(ch, pos, want);
                if (got < want) {
                    LOG.debug("{} shrank during the backup; padding {} bytes with zeros", f.archivePath(), end - pos - got);
                    Arrays.fill(buf, got, want, (byte) 0);
                }
                if (verify != null) {
                    for (int off = 0; off + blockSize <= got; off += blockSize) {
                        check(ch, f, verify, (pos + off) / blockSize, off);
                    }
                }
                tar.write(buf, 0, want);
                if (sha != null) {
                    sha.update(buf, 0, want);
                }
                pos += want;
            }
            tar.closeArchiveEntry();
        }

        /** Keeps the changed page at {@code buf[off]} for {@link #writeDelta}, while there is room. */
        private void keepPage(int off) {
            if ((long) (keptPages + 1) * blockSize > DELTA_PAGES_KEPT) {
                return;
            }
            if (kept == null) {
                kept = new byte[DELTA_PAGES_KEPT];
            }
            System.arraycopy(buf, off, kept, keptPages * blockSize, blockSize);
            keptPages++;
        }

        /** Writes the changed pages: those the scan kept as it read them, the rest read again. */
        private void writeDelta(FileChannel ch, SourceFile f, DeltaFile d) throws IOException {
            tar.putArchiveEntry(tarEntry(f, d.entrySize()));
            d.writeHeader(tar);
            int[] blocks = d.blocks();
            int fromScan = Math.min(keptPages, blocks.length);
            if (fromScan > 0) {
                tar.write(kept, 0, fromScan * blockSize);
            }
            for (int i = fromScan; i < blocks.length; i++) {
                int block = blocks[i];
                interruptCheck(f);
                int got = readAt(ch, (long) block * blockSize, page);
                if (got < blockSize) {
                    Arrays.fill(page, Math.max(got, 0), blockSize, (byte) 0);
                }
                tar.write(page, 0, blockSize);
            }
            tar.closeArchiveEntry();
            fig.pagesStored += d.blocks().length;
        }

        private TarArchiveEntry tarEntry(SourceFile f, long size) {
            TarArchiveEntry e = new TarArchiveEntry(f.archivePath(), TarArchiveEntry.LF_NORMAL, true);
            e.setSize(size);
            e.setMode(f.mode());
            e.setModTime(f.mtime().toEpochMilli());
            return e;
        }

        /** Reads up to {@code len} bytes at {@code pos} into {@link #buf}; fewer only at end of file. */
        private int readFully(FileChannel ch, long pos, int len) throws IOException {
            bb.clear();
            bb.limit(len);
            int total = 0;
            while (bb.hasRemaining()) {
                int n = ch.read(bb, pos + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            fig.bytesRead += total;
            return total;
        }

        private int readAt(FileChannel ch, long pos, byte[] into) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(into);
            int total = 0;
            while (b.hasRemaining()) {
                int n = ch.read(b, pos + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            fig.bytesRead += total;
            return total;
        }

        private void interruptCheck(SourceFile f) throws InterruptedIOException {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("backup of " + f.archivePath() + " interrupted");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
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
