package io.walkeeper.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;

/**
 * How to start this command-line tool from a shell, as PostgreSQL does for
 * {@code archive_command} and {@code restore_command}: the launcher script when the tool was
 * started by it (it passes its own path in the system property {@value #PROPERTY}), else the
 * running JVM with the tool's jar.
 *
 * @param words the program and its leading arguments, unquoted
 */
public record Launcher(List<String> words) {
    /** System property the launcher script sets to its own absolute path. */
    public static final String PROPERTY = "walkeeper.launcher";

    /** Copies the words. */
    public Launcher {
        if (words.isEmpty()) {
            throw new IllegalArgumentException("A launcher needs at least a program");
        }
        words = List.copyOf(words);
    }

    /**
     * Describes how this process was started.
     *
     * @return the launcher script, or {@code java -jar <this jar>}
     */
    public static Launcher current() {
        String script = System.getProperty(PROPERTY, "");
        if (!script.isBlank()) {
            return script(Path.of(script));
        }
        Path java = javaBinary();
        Optional<Path> jar = runningJar();
        if (jar.isPresent()) {
            return new Launcher(List.of(java.toString(), "-jar", jar.get().toString()));
        }
        return new Launcher(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                WalKeeperCli.class.getName()));
    }

    /**
     * A launcher script.
     *
     * @param path the script
     * @return the launcher
     */
    public static Launcher script(Path path) {
        return new Launcher(List.of(path.toAbsolutePath().normalize().toString()));
    }

    /**
     * Returns the {@code java} program of the running JVM.
     *
     * @return {@code <java.home>/bin/java}
     */
    public static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Returns the jar this tool runs from.
     *
     * @return the jar, or empty when running from a class directory
     */
    public static Optional<Path> runningJar() {
        CodeSource source = WalKeeperCli.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            Path p = Path.of(source.getLocation().toURI()).toAbsolutePath();
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns the words quoted for {@code /bin/sh}.
     *
     * @return e.g. {@code '/opt/walkeeper/bin/walkeeper'}
     */
    public String toShell() {
        return ShellWords.join(words);
    }
}
