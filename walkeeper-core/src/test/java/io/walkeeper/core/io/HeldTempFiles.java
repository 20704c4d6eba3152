package io.walkeeper.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The unnamed temporary files this JVM holds open, as Linux shows them under {@code /proc/self/fd}. */
public final class HeldTempFiles {
    private static final Path FDS = Path.of("/proc/self/fd");

    private HeldTempFiles() {
    }

    /**
     * Lists the open, unlinked files whose name began with {@code prefix} in java.io.tmpdir.
     *
     * @param prefix the start of the file name, e.g. {@code walkeeper-file-list-}
     * @return where each was, as the kernel reports it
     */
    public static List<String> held(String prefix) throws IOException {
        String start = Path.of(System.getProperty("java.io.tmpdir")).toRealPath().resolve(prefix).toString();
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith(start) && target.endsWith(" (deleted)")) {
                    out.add(target);
                }
            }
        }
        return out;
    }
}
