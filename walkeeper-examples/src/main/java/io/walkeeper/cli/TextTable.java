package io.walkeeper.cli;

import java.util.List;
import java.util.function.Predicate;

/** Plain-text tables for list commands: columns padded to their widest cell, two spaces apart. */
final class TextTable {
    private TextTable() {
    }

    /**
     * Formats rows under a header.
     *
     * @param header the column names
     * @param rows the cells, one list per row, as many as the header
     * @param rightAligned which columns (by name) are numbers, aligned right
     * @return the table, one line per row, each ending with a newline
     */
    static String format(List<String> header, List<List<String>> rows, Predicate<String> rightAligned) {
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, header, width, rightAligned);
        for (List<String> row : rows) {
            line(sb, header, row, width, rightAligned);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> header, List<String> row, int[] width,
                             Predicate<String> rightAligned) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            String cell = row.get(i);
            String pad = " ".repeat(width[i] - cell.length());
            line.append(rightAligned.test(header.get(i)) ? pad + cell : cell + pad).append("  ");
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
