package io.walkeeper.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerCommandsTest {
    private static final Launcher SCRIPT = Launcher.script(Path.of("/opt/walkeeper/bin/walkeeper"));

    @Test
    void restoreCommandWithAConfigFileNamesOnlyTheFile() {
        assertEquals("'/opt/walkeeper/bin/walkeeper' --config '/etc/walkeeper.json' wal-fetch %f %p",
                ServerCommands.restoreCommand(SCRIPT, Path.of("/etc/walkeeper.json"), Map.of(), List.of()));
    }

    @Test
    void restoreCommandFromTheEnvironmentInlinesAssignments() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WALKEEPER_STORAGE", "file:///x");
        env.put("WALKEEPER_COMPRESSION", "lz4");
        assertEquals("WALKEEPER_STORAGE='file:///x' WALKEEPER_COMPRESSION='lz4' '/opt/walkeeper/bin/walkeeper' wal-fetch %f %p",
                ServerCommands.restoreCommand(SCRIPT, null, env, List.of()));
    }

    @Test
    void quotesAndPercentSignsSurviveTheShellAndPostgres() {
        Launcher odd = Launcher.script(Path.of("/opt/it's 100%/walkeeper"));
        assertEquals("WALKEEPER_STORAGE='file:///b%%20k' '/opt/it'\\''s 100%%/walkeeper' --config '/c/%%f.json' wal-push %p",
                ServerCommands.archiveCommand(odd, Path.of("/c/%f.json"), Map.of("WALKEEPER_STORAGE", "file:///b%20k"),
                        List.of()));
    }

    @Test
    void javaJarLauncherAndUnsetVariables() {
        Launcher jar = new Launcher(List.of("/usr/lib/jvm/java-17/bin/java", "-jar", "/srv/walkeeper-cli.jar"));
        assertEquals("env -u 'PGPORT' -u 'WALKEEPER_STORAGE' '/usr/lib/jvm/java-17/bin/java' '-jar' '/srv/walkeeper-cli.jar' "
                        + "--config '/w/walkeeper.json' wal-push %p",
                ServerCommands.archiveCommand(jar, Path.of("/w/walkeeper.json"), Map.of(), List.of("PGPORT", "WALKEEPER_STORAGE")));
    }

    @Test
    void shellQuoting() {
        assertEquals("'plain'", ShellWords.quote("plain"));
        assertEquals("''", ShellWords.quote(""));
        assertEquals("'a'\\''b'", ShellWords.quote("a'b"));
        assertEquals("'$HOME `x` \"y\"'", ShellWords.quote("$HOME `x` \"y\""));
    }
}
