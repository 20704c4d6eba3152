package io.walkeeper.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Object metadata on the file store: user extended attributes ({@code user.walkeeper.<name>}) of
 * the object's file, written on the temporary file before it is published, so that an object and
 * its metadata appear together (a hard link or rename keeps them). Where the file system keeps no
 * user extended attributes (some NFS mounts), objects are stored without metadata, which readers
 * treat as unknown; this is logged once per store.
 */
final class FsMetadata {
    private static final Logger LOG = LoggerFactory.getLogger(FsMetadata.class);
    private static final String PREFIX = "walkeeper.";

    private FsMetadata() {
    }

    static void write(Path file, Map<String, String> metadata, FsBlobStore store) {
        if (metadata.isEmpty()) {
            return;
        }
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view == null) {
                throw new UnsupportedOperationException("no user-defined file attributes");
            }
            for (var e : metadata.entrySet()) {
                view.write(PREFIX + e.getKey(), ByteBuffer.wrap(e.getValue().getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (IOException | UnsupportedOperationException e) {
            noMetadata(store, e);
        }
    }

    static Map<String, String> read(Path file) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            if (view == null) {
                return Map.of();
            }
            Map<String, String> out = new TreeMap<>();
            for (String name : view.list()) {
                if (name.startsWith(PREFIX)) {
                    ByteBuffer b = ByteBuffer.allocate(view.size(name));
                    view.read(name, b);
                    out.put(name.substring(PREFIX.length()), new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII));
                }
            }
            return out;
        } catch (IOException | UnsupportedOperationException e) {
            return Map.of();
        }
    }

    private static void noMetadata(FsBlobStore store, Exception e) {
        AtomicBoolean logged = store.metadataWarningLogged();
        if (logged.compareAndSet(false, true)) {
            LOG.warn("{}: the file system keeps no user extended attributes ({}); objects are stored without metadata, "
                    + "so a host holding only the public encryption key cannot tell whether a WAL file pushed again is "
                    + "identical", store.location(), e.toString());
        }
    }
}
