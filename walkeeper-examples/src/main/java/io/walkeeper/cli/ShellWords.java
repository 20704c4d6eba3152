package io.walkeeper.cli;

import io.walkeeper.api.WalCommands;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Quoting for {@code /bin/sh}, which PostgreSQL uses to run {@code archive_command} and
 * {@code restore_command}, and for the {@code %} placeholders PostgreSQL expands in them.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /**
     * Quotes one word so that {@code sh} passes it through unchanged.
     *
     * @param word any text
     * @return the word in single quotes, inner single quotes written as {@code '\''}
     */
    public static String quote(String word) {
        return WalCommands.quote(word);
    }

    /**
     * Quotes words and joins them with spaces.
     *
     * @param words the words
     * @return the command line
     */
    public static String join(List<String> words) {
        return words.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    /**
     * Writes environment assignments for the start of a command ({@code KEY='value' …}).
     *
     * @param assignments variable name to value, in order
     * @return the assignments followed by a space, or an empty string
     */
    public static String assignments(Map<String, String> assignments) {
        StringBuilder sb = new StringBuilder();
        assignments.forEach((k, v) -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("'" + k + "' is not a shell variable name");
            }
            sb.append(k).append('=').append(quote(v)).append(' ');
        });
        return sb.toString();
    }

    /**
     * Protects text from PostgreSQL's placeholder expansion in {@code archive_command} and
     * {@code restore_command}, where {@code %f}, {@code %p}, {@code %r} and {@code %%} are replaced.
     *
     * @param text text that must reach the shell literally
     * @return the text with every {@code %} doubled
     */
    public static String escapePercent(String text) {
        return WalCommands.escapePercent(text);
    }
}
