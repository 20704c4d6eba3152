package io.walkeeper.core.drill;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes a drill's temporary directory. Processes the server started may still work in it for a
 * moment after the server stopped (a background WAL fetcher notices that its spool is gone and
 * exits), so removal is retried until the directory is gone, and then the drill waits for every
 * process whose command line names the directory, killing those still there after a grace
 * period: the directory's name is unique to this drill, so they are the drill's own.
 */
final class DrillDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DrillDirectory.class);
    private static final long GRACE_MILLIS = 10_000;

    private DrillDirectory() {
    }

    static void remove(Path root) {
        long until = System.currentTimeMillis() + GRACE_MILLIS;
        while (true) {
            try {
                deleteTree(root);
                break;
            } catch (IOException | UncheckedIOException e) {
                if (System.currentTimeMillis() > until) {
                    LOG.warn("Cannot remove the drill directory {}: {} (remove it by hand)", root, e.getMessage());
                    return;
                }
                sleep();
            }
        }
        String name = root.toString();
        while (true) {
            List<ProcessHandle> left = ProcessHandle.allProcesses()
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(p -> p.info().commandLine().orElse("").contains(name)
                            || p.info().arguments().map(a -> String.join(" ", a).contains(name)).orElse(false))
                    .toList();
            if (left.isEmpty()) {
                break;
            }
            if (System.currentTimeMillis() > until) {
                LOG.warn("Processes of the drill in {} did not exit: killing {}", root, left.stream().map(ProcessHandle::pid).toList());
                left.forEach(ProcessHandle::destroyForcibly);
                break;
            }
            sleep();
        }
        LOG.info("Removed the drill directory {}", root);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException gone) {
                    // removed by its owner meanwhile
                }
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
