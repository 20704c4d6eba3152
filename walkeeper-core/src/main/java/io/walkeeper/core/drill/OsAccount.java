package io.walkeeper.core.drill;

import io.walkeeper.api.InvalidRequestException;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS account the drill server runs as. PostgreSQL refuses to run as root, so a drill run by
 * root names another account, and then runs server programs through {@code runuser -u NAME --}
 * after handing the drill's directory to that account. Without an account the server runs as
 * this process.
 */
final class OsAccount {
    private final String name;

    private OsAccount(String name) {
        this.name = name;
    }

    /**
     * Chooses the account for a drill.
     *
     * @param requested the account asked for, or {@code null}
     * @return the account
     * @throws InvalidRequestException if this process is root and none is given, or one is given
     *     that this process cannot switch to
     */
    static OsAccount choose(String requested) {
        boolean root = runningAsRoot();
        String self = ProcessHandle.current().info().user().orElse("");
        if (requested == null || requested.equals(self)) {
            if (root) {
                throw new InvalidRequestException("Cannot run a restore drill as root: PostgreSQL refuses to run as root "
                        + "(HINT: name the OS account the server should run as, e.g. --os-user postgres; the drill hands "
                        + "its temporary directory to that account)");
            }
            return new OsAccount(null);
        }
        if (!root) {
            throw new InvalidRequestException("Cannot run the drill server as OS user '" + requested + "': only root can "
                    + "switch accounts, and this process runs as '" + self + "' (HINT: run the drill as that account, "
                    + "or leave the account out to run the server as '" + self + "')");
        }
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(requested);
        } catch (UserPrincipalNotFoundException e) {
            throw new InvalidRequestException("Cannot run the drill server as OS user '" + requested
                    + "': there is no such account", e);
        } catch (IOException e) {
            throw new InvalidRequestException("Cannot look up OS user '" + requested + "': " + e.getMessage(), e);
        }
        return new OsAccount(requested);
    }

    /** @return the account's name, or {@code null} when the server runs as this process */
    String name() {
        return name;
    }

    /**
     * Wraps a server command so that it runs as this account.
     *
     * @param command the program and its arguments
     * @return the command to start
     */
    List<String> wrap(List<String> command) {
        if (name == null) {
            return List.copyOf(command);
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", name, "--"));
        wrapped.addAll(command);
        return List.copyOf(wrapped);
    }

    /**
     * Gives a directory tree to this account (symbolic links themselves, not what they point to).
     * Does nothing when the server runs as this process.
     *
     * @param root the tree
     * @throws IOException if an owner cannot be changed
     */
    void handOver(Path root) throws IOException {
        if (name == null) {
            return;
        }
        UserPrincipal owner = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setOwner(owner);
            }
        }
    }

    private static boolean runningAsRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(ProcessHandle.current().info().user().orElse(""));
        }
    }
}
