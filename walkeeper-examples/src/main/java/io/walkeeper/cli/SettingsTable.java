package io.walkeeper.cli;

import io.walkeeper.cli.CliKeys.CliKey;
import io.walkeeper.spi.Setting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders the settings tables, from the key table ({@link CliKeys}) and what the providers
 * declare ({@link ProviderKeys}): as Markdown blocks for the README (a test checks the README
 * holds exactly these blocks) and as text for {@code walkeeper settings} and {@code --help}.
 */
final class SettingsTable {
    /** The name of the block holding the command-line keys. */
    static final String CLI_BLOCK = "cli-keys";

    private SettingsTable() {
    }

    /**
     * Renders every block, in README order: the tool's keys, then one per provider namespace.
     *
     * @param providers the providers on the class path
     * @return block name (the namespace, or {@value #CLI_BLOCK}) to Markdown, without markers
     */
    static Map<String, String> markdownBlocks(ProviderKeys providers) {
        return markdownBlocks(providers, g -> true);
    }

    /**
     * Renders the blocks of the tool's keys and of the groups a filter accepts.
     *
     * @param providers the providers on the class path
     * @param groups which provider groups to render
     * @return block name to Markdown, without markers
     */
    static Map<String, String> markdownBlocks(ProviderKeys providers, java.util.function.Predicate<ProviderKeys.Group> groups) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        StringBuilder cli = new StringBuilder("| key | WAL-G alias | values | default | goes to | meaning |\n"
                + "|---|---|---|---|---|---|\n");
        for (CliKey k : CliKeys.ALL) {
            Setting s = k.setting();
            cli.append("| `").append(s.key()).append("` | ").append(codes(s.environment())).append(" | ").append(values(s))
                    .append(" | ").append(s.defaultValue().map(d -> "`" + d + "`").orElse("")).append(" | ")
                    .append(k.goesTo()).append(" | ").append(s.description()).append(s.secret() ? " (secret)" : "")
                    .append(" |\n");
        }
        out.put(CLI_BLOCK, cli.toString());
        for (ProviderKeys.Group g : providers.groups().stream().filter(groups).toList()) {
            StringBuilder b = new StringBuilder("| setting | environment variables | values | default | meaning |\n"
                    + "|---|---|---|---|---|\n");
            for (Setting s : g.settings()) {
                b.append("| `").append(s.key()).append("` | ").append(codes(s.environment())).append(" | ").append(values(s))
                        .append(" | ").append(s.defaultValue().map(d -> "`" + d + "`").orElse("")).append(" | ")
                        .append(s.description()).append(s.secret() ? " (secret)" : "").append(" |\n");
            }
            if (g.settings().isEmpty()) {
                b.append("| (none) | | | | this provider takes no settings |\n");
            }
            out.put(g.prefix(), b.toString());
        }
        return out;
    }

    /**
     * Wraps a block in the markers the README uses.
     *
     * @param name the block name
     * @param markdown the block
     * @return the block between its begin and end markers
     */
    static String marked(String name, String markdown) {
        return "<!-- BEGIN GENERATED settings " + name + " (walkeeper settings --markdown) -->\n" + markdown
                + "<!-- END GENERATED settings " + name + " -->\n";
    }

    /**
     * Renders every key as text, one line each, for a terminal.
     *
     * @param providers the providers on the class path
     * @return the lines
     */
    static List<String> text(ProviderKeys providers) {
        List<String> out = new ArrayList<>();
        out.add("Command-line keys (file keys and environment variables):");
        for (CliKey k : CliKeys.ALL) {
            out.add(line(k.setting(), k.setting().key(), k.setting().environment()));
        }
        for (ProviderKeys.Group g : providers.groups()) {
            if (g.settings().isEmpty()) {
                continue;
            }
            out.add("");
            out.add(g.title() + " (file keys " + g.prefix() + "*; environment variables):");
            for (Setting s : g.settings()) {
                out.add(line(s, s.key(), s.environment()));
            }
        }
        return out;
    }

    private static String line(Setting s, String name, List<String> aliases) {
        return "  " + name + (aliases.isEmpty() ? "" : " (" + String.join(", ", aliases) + ")") + ": " + s.description()
                + "; " + values(s) + s.defaultValue().map(d -> ", default " + d).orElse("") + (s.secret() ? "; secret" : "");
    }

    /**
     * Describes the values a setting takes, briefly.
     *
     * @param s the setting
     * @return e.g. {@code 1–64}, {@code true/false}, {@code LATEST/LATEST_FULL}
     */
    static String values(Setting s) {
        return switch (s.type()) {
            case TEXT -> "text";
            case BOOLEAN -> "true/false";
            case INTEGER -> range(s, "");
            case SIZE -> range(s, " bytes; K, M, G suffixes");
            case URL -> "http(s) URL";
            case PATH -> "path";
            case CHOICE -> String.join("/", s.choices());
        };
    }

    private static String range(Setting s, String unit) {
        return (s.max() == Long.MAX_VALUE ? "≥ " + s.min() : s.min() + "–" + s.max()) + unit;
    }

    private static String codes(List<String> names) {
        return String.join(", ", names.stream().map(n -> "`" + n + "`").toList());
    }
}
