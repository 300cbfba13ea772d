package dev.flash.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain aligned text table: first column left-aligned, the others right-aligned. */
public final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public TextTable(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    public TextTable row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns);
        }
        rows.add(cells);
        return this;
    }

    @Override
    public String toString() {
        int[] w = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            for (int i = 0; i < columns; i++) {
                String pad = " ".repeat(w[i] - r[i].length());
                sb.append(i == 0 ? r[i] + pad : pad + r[i]);
                if (i < columns - 1) {
                    sb.append("  ");
                }
            }
            sb.append(System.lineSeparator());
            if (k == 0) {
                int total = 0;
                for (int x : w) {
                    total += x;
                }
                sb.append("-".repeat(total + 2 * (columns - 1))).append(System.lineSeparator());
            }
        }
        return sb.toString();
    }
}
