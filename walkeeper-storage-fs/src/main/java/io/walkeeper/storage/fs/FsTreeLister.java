package io.walkeeper.storage.fs;

import io.walkeeper.api.StorageException;
import io.walkeeper.spi.BlobInfo;
import io.walkeeper.spi.ComputingIterator;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the directory tree under a prefix lazily, depth first, reading one directory at a time and
 * visiting its entries sorted so that the keys come out in ascending UTF-8 order: a directory
 * {@code d} sorts as {@code d/}, where its keys sort. Skips temporary files, names that are not
 * keys of the store, and directories already on the current path (symbolic link loops).
 */
final class FsTreeLister extends ComputingIterator<BlobInfo> {
    private static final Logger LOG = LoggerFactory.getLogger(FsTreeLister.class);

    private final FsBlobStore store;
    private final Deque<Frame> stack = new ArrayDeque<>();

    /** One directory being visited: its key prefix, sorted entries and identity. */
    private record Frame(String keyPrefix, Iterator<Entry> entries, Object fileKey) {
    }

    /** One directory entry: the key segment, its sort key, path and attributes. */
    private record Entry(String segment, String sortKey, Path path, BasicFileAttributes attributes) {
    }

    /**
     * Starts a listing.
     *
     * @param store the store, checked to be open at every directory read
     * @param directory the directory named by the prefix's complete segments
     * @param keyPrefix the key prefix of {@code directory}'s entries, {@code ""} or ending in '/'
     * @param namePrefix the partial last segment of the prefix that entries must start with
     */
    FsTreeLister(FsBlobStore store, Path directory, String keyPrefix, String namePrefix) {
        this.store = store;
        BasicFileAttributes attributes = attributes(directory);
        if (attributes != null && attributes.isDirectory()) {
            stack.push(new Frame(keyPrefix, read(directory, namePrefix), attributes.fileKey()));
        }
    }

    @Override
    protected BlobInfo computeNext() {
        while (!stack.isEmpty()) {
            Frame frame = stack.peek();
            if (!frame.entries().hasNext()) {
                stack.pop();
                continue;
            }
            Entry entry = frame.entries().next();
            String key = frame.keyPrefix() + entry.segment();
            if (entry.attributes().isRegularFile()) {
                return new BlobInfo(key, entry.attributes().size(), entry.attributes().lastModifiedTime().toInstant());
            }
            if (onStack(entry.attributes().fileKey())) {
                LOG.warn("Not listing {} again under {}: it is a link to a directory that contains it",
                        entry.path(), store.location());
            } else {
                stack.push(new Frame(key + "/", read(entry.path(), ""), entry.attributes().fileKey()));
            }
        }
        return null;
    }

    private boolean onStack(Object fileKey) {
        if (fileKey == null) {
            return false;
        }
        for (Frame frame : stack) {
            if (fileKey.equals(frame.fileKey())) {
                return true;
            }
        }
        return false;
    }

    private Iterator<Entry> read(Path directory, String namePrefix) {
        store.checkOpen("list '" + namePrefix + "'");
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (FsKeys.isTempName(name)) {
                    continue;
                }
                String segment = FsKeys.decode(name);
                if (segment == null || !segment.startsWith(namePrefix)) {
                    if (segment == null) {
                        LOG.debug("Skipping {}: its name is not the encoding of an object key", child);
                    }
                    continue;
                }
                BasicFileAttributes attributes = attributes(child);
                if (attributes == null) {
                    continue;
                }
                if (attributes.isDirectory()) {
                    entries.add(new Entry(segment, segment + "/", child, attributes));
                } else if (attributes.isRegularFile()) {
                    entries.add(new Entry(segment, segment, child, attributes));
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.<Entry>of().iterator();
        } catch (IOException e) {
            throw new StorageException("Cannot list " + directory + " in " + store.location() + ": " + e, e);
        }
        entries.sort(Comparator.comparing(Entry::sortKey, FsKeys.UTF8_ORDER));
        return entries.iterator();
    }

    /** Returns the attributes of {@code path}, following links, or null if it vanished. */
    private BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException | NotDirectoryException e) {
            return null;
        } catch (IOException e) {
            if (store.hasFileAncestor(path)) {
                return null;
            }
            throw new StorageException("Cannot list " + path + " in " + store.location() + ": " + e, e);
        }
    }
}
