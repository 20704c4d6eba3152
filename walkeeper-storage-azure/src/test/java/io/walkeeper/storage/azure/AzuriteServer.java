package io.walkeeper.storage.azure;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An Azurite blob server on a free loopback port, in memory, started as a child process and stopped
 * by {@link #close()} (or, if the JVM ends first, by a shutdown hook). Azurite is installed with
 * npm into {@code <repository root>/.tools/azurite} on first use, under a file lock so that
 * parallel JVMs install it once; {@code scripts/install-azurite.sh} does the same ahead of time.
 * The system property {@value #HOME_PROPERTY} or the environment variable {@value #HOME_ENV}
 * points to another install (the directory holding {@code node_modules/azurite}).
 */
public final class AzuriteServer implements AutoCloseable {
    /** The Azurite version the tests run against (3.36+ needs Node.js 21). */
    public static final String VERSION = "3.35.0";
    /** Azurite's well-known development account. */
    public static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known development account key (public, documented by Microsoft). */
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /** System property: an existing Azurite install. */
    public static final String HOME_PROPERTY = "walkeeper.azurite.home";
    /** Environment variable: an existing Azurite install. */
    public static final String HOME_ENV = "WALKEEPER_AZURITE_HOME";
    /** System property: the repository root, set by the build. */
    public static final String ROOT_PROPERTY = "walkeeper.repo.root";

    private static final String MAIN_JS = "node_modules/azurite/dist/src/blob/main.js";
    private static final long START_TIMEOUT_MS = 60_000;
    private static final AtomicInteger CONTAINERS = new AtomicInteger();
    private static final InetAddress LOOPBACK = loopback();

    private final Process process;
    private final int port;
    private final Path log;
    private final Thread shutdownHook;

    private AzuriteServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.shutdownHook = new Thread(this::stop, "azurite-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Installs Azurite if needed and starts it on a free port, waiting until it accepts connections.
     *
     * @return the running server
     */
    public static AzuriteServer start() {
        String node = findOnPath("node");
        if (node == null) {
            throw new IllegalStateException("The Azure storage tests run Azurite, which needs Node.js: no 'node' on "
                    + "the PATH. Install Node.js 18-20 with npm (Debian: apt-get install nodejs npm), or run "
                    + "the tests with -DskipTests");
        }
        Path home = home();
        Path mainJs = home.resolve(MAIN_JS);
        if (!Files.isRegularFile(mainJs)) {
            install(home);
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return launch(node, mainJs);
            } catch (IllegalStateException e) {
                last = e; // most likely the port was taken between choosing and binding it
            }
        }
        throw last;
    }

    private static AzuriteServer launch(String node, Path mainJs) {
        int port = freePort();
        Path workDir;
        Path log;
        try {
            workDir = Files.createTempDirectory("azurite-");
            log = workDir.resolve("azurite.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = List.of(node, mainJs.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                Integer.toString(port), "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry",
                "--silent", "--loose");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Azurite: " + e, e);
        }
        AzuriteServer server = new AzuriteServer(process, port, log);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (true) {
            if (!process.isAlive()) {
                server.close();
                throw new IllegalStateException("Azurite exited with status " + process.exitValue()
                        + " while starting on port " + port + ": " + server.logTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
                return server;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    server.close();
                    throw new IllegalStateException("Azurite did not accept connections on port " + port
                            + " within " + START_TIMEOUT_MS / 1000 + " s: " + server.logTail());
                }
                sleep(100);
            }
        }
    }

    /** Returns the blob endpoint, {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** Returns the port. */
    public int port() {
        return port;
    }

    /** Returns a connection string for the development account. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint() + ";";
    }

    /** Returns provider settings that reach this server with the development account's key. */
    public Map<String, String> settings() {
        return Map.of(AzureSettings.CONNECTION_STRING, connectionString());
    }

    /** Returns an SDK client of this server, for setting up and inspecting tests. */
    public BlobServiceClient serviceClient() {
        return new BlobServiceClientBuilder().connectionString(connectionString()).buildClient();
    }

    /**
     * Creates a container with a new name.
     *
     * @return its name
     */
    public String newContainer() {
        String name = "c" + ProcessHandle.current().pid() + "-" + CONTAINERS.incrementAndGet() + "-"
                + Long.toString(System.nanoTime() & 0xffffff, 36);
        serviceClient().createBlobContainer(name);
        return name;
    }

    /** Deletes a container and its blobs; ignores failures. */
    public void deleteContainer(String name) {
        try {
            serviceClient().getBlobContainerClient(name).deleteIfExists();
        } catch (RuntimeException e) {
            // a test's leftovers are dropped with the in-memory server anyway
        }
    }

    /** Stops Azurite and every process it started. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (or ran) anyway
        }
        try {
            Files.deleteIfExists(log);
            Files.deleteIfExists(log.getParent());
        } catch (IOException e) {
            // a temporary file left behind
        }
    }

    private void stop() {
        List<ProcessHandle> all = new ArrayList<>();
        process.descendants().forEach(all::add);
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    private String logTail() {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Where Azurite is, or is to be installed. */
    public static Path home() {
        String given = System.getProperty(HOME_PROPERTY);
        if (given == null || given.isBlank()) {
            given = System.getenv(HOME_ENV);
        }
        if (given != null && !given.isBlank()) {
            Path home = Path.of(given).toAbsolutePath();
            if (!Files.isRegularFile(home.resolve(MAIN_JS))) {
                throw new IllegalStateException("Azurite is not installed in " + home + " (given by " + HOME_PROPERTY
                        + " or " + HOME_ENV + "): no " + MAIN_JS + "; run scripts/install-azurite.sh " + home);
            }
            return home;
        }
        return repositoryRoot().resolve(".tools").resolve("azurite");
    }

    private static Path repositoryRoot() {
        String root = System.getProperty(ROOT_PROPERTY);
        if (root != null && !root.isBlank()) {
            return Path.of(root).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(".mvn")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    /** Installs Azurite with npm into {@code home}, once across JVMs (file lock) and atomically (rename). */
    private static void install(Path home) {
        String npm = findOnPath("npm");
        if (npm == null) {
            throw new IllegalStateException("The Azure storage tests need Azurite, which is not installed in " + home
                    + ", and there is no 'npm' on the PATH to install it; install npm or run scripts/install-azurite.sh");
        }
        try {
            Files.createDirectories(home.getParent());
            Path lockFile = home.getParent().resolve(home.getFileName() + ".lock");
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.lock(); // released when the channel closes
                if (Files.isRegularFile(home.resolve(MAIN_JS))) {
                    return; // another JVM installed it while this one waited
                }
                Path staging = Files.createTempDirectory(home.getParent(), ".azurite-install.");
                Path log = staging.resolve("npm.log");
                try {
                    Process npmInstall = new ProcessBuilder(npm, "install", "--prefix", staging.toString(),
                            "azurite@" + VERSION, "--no-audit", "--no-fund", "--no-save", "--loglevel=error")
                            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
                    if (!npmInstall.waitFor(10, TimeUnit.MINUTES)) {
                        npmInstall.destroyForcibly();
                        throw new IllegalStateException("npm install azurite@" + VERSION + " did not finish in 10 min");
                    }
                    if (npmInstall.exitValue() != 0 || !Files.isRegularFile(staging.resolve(MAIN_JS))) {
                        throw new IllegalStateException("npm install azurite@" + VERSION + " failed (exit status "
                                + npmInstall.exitValue() + "): " + Files.readString(log, StandardCharsets.UTF_8));
                    }
                    Files.delete(log);
                    deleteTree(home);
                    Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    deleteTree(staging);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot install Azurite into " + home, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while installing Azurite", e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, LOOPBACK)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port", e);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Azurite", e);
        }
    }
}
