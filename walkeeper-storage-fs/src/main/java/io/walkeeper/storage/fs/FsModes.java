package io.walkeeper.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Who may read the repository: its files are created 0600 and its directories 0700, whatever the
 * process's umask, since backup parts and archived WAL hold the whole database. When the process
 * runs as root in a repository directory owned by another user (the PostgreSQL server's, which
 * archives into it), new files and directories are given to that user, so that both can go on
 * using the repository. File systems without POSIX permissions get their defaults.
 */
final class FsModes {
    private static final FileAttribute<Set<PosixFilePermission>> FILE = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY = PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------"));

    private FsModes() {
    }

    /** Creates a new file, 0600, open for writing. */
    static FileChannel createFile(Path file) throws IOException {
        try {
            return FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), FILE);
        } catch (UnsupportedOperationException noPosix) {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** Creates a directory, 0700. */
    static void createDirectory(Path directory) throws IOException {
        try {
            Files.createDirectory(directory, DIRECTORY);
        } catch (UnsupportedOperationException noPosix) {
            Files.createDirectory(directory);
        }
    }

    /**
     * Gives a new file or directory the owner and group of the repository directory when they
     * differ (only root can, and only then do they differ); anything else leaves it as it is.
     */
    static void adoptOwner(Path created, Path root) {
        try {
            PosixFileAttributes rootAttributes = Files.readAttributes(root, PosixFileAttributes.class);
            PosixFileAttributeView view = Files.getFileAttributeView(created, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            PosixFileAttributes attributes = view.readAttributes();
            if (!attributes.owner().equals(rootAttributes.owner())) {
                view.setOwner(rootAttributes.owner());
            }
            if (!attributes.group().equals(rootAttributes.group())) {
                view.setGroup(rootAttributes.group());
            }
        } catch (FileSystemException | UnsupportedOperationException notAllowed) {
            // not root, or no POSIX ownership here: the file keeps this process's owner
        } catch (IOException e) {
            // as above; nothing more to do
        }
    }
}
