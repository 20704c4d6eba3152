package io.walkeeper.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code settings [--markdown]}: lists every configuration key the tool reads, its own and those
 * the storage and encryption providers on the class path declare, with values, defaults and
 * environment variables. Reads no configuration.
 */
@Command(name = "settings", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"List every setting: the tool's keys with their WAL-G aliases, and each provider's settings with "
                + "the environment variables mapped onto them (including providers added with WALKEEPER_CLASSPATH)."})
public final class SettingsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--markdown", description = "print the README's tables, between their markers")
    boolean markdown;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProviderKeys providers = CliConfiguration.providers();
        if (markdown) {
            SettingsTable.markdownBlocks(providers).forEach((name, block) -> out.print(SettingsTable.marked(name, block)));
        } else {
            SettingsTable.text(providers).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
