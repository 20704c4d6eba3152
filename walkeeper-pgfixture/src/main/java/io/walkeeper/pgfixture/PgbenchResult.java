package io.walkeeper.pgfixture;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a finished {@code pgbench} run reported. Immutable.
 *
 * @param transactions the number of transactions actually processed, or -1 if not reported
 * @param tps transactions per second, or {@code NaN} if not reported
 * @param output pgbench's full output
 */
public record PgbenchResult(long transactions, double tps, String output) {
    private static final Pattern TRANSACTIONS =
            Pattern.compile("number of transactions actually processed:\\s*(\\d+)");
    private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

    /**
     * Reads the summary pgbench printed.
     *
     * @param output pgbench's output
     * @return the result; fields pgbench did not print are -1 or {@code NaN}
     */
    public static PgbenchResult parse(String output) {
        Matcher t = TRANSACTIONS.matcher(output);
        Matcher r = TPS.matcher(output);
        return new PgbenchResult(t.find() ? Long.parseLong(t.group(1)) : -1,
                r.find() ? Double.parseDouble(r.group(1)) : Double.NaN, output);
    }
}
