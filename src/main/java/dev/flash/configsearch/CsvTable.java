package dev.flash.configsearch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file as a header and rows that remember their line: RFC 4180 fields (double quotes
 * around a field with commas, {@code ""} for a quote inside), one record per line. Blank lines
 * are skipped.
 */
final class CsvTable {

    record Row(int line, List<String> fields) {
    }

    final Path file;
    final List<String> header;
    final List<Row> rows;
    private final Map<String, Integer> index = new HashMap<>();

    private CsvTable(Path file, List<String> header, List<Row> rows) {
        this.file = file;
        this.header = header;
        this.rows = rows;
        for (int i = 0; i < header.size(); i++) {
            index.putIfAbsent(header.get(i).trim(), i);
        }
    }

    /**
     * A table from fields already split (the samples of one line of a JSON stream): row {@code i}
     * is "line" {@code i + 1}, so a message names the sample by its 1-based position in
     * {@code source}.
     */
    static CsvTable of(Path source, List<String> header, List<List<String>> rows) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(new Row(i + 1, rows.get(i)));
        }
        return new CsvTable(source, header, out);
    }

    static CsvTable read(Path file) throws IOException, DataFormatException {
        List<String> header = null;
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = split(file, n, line);
                if (header == null) {
                    header = fields;
                } else {
                    if (fields.size() != header.size()) {
                        throw new DataFormatException(file, n, null, "has " + fields.size() + " fields, the header "
                                + header.size());
                    }
                    rows.add(new Row(n, fields));
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            // (the reader decodes ahead of the line it returns: no line number)
            throw new DataFormatException(file, "not UTF-8 text");
        }
        if (header == null) {
            throw new DataFormatException(file, "is empty (no header line)");
        }
        return new CsvTable(file, header, rows);
    }

    /** Index of {@code column}, or -1. */
    int column(String column) {
        return index.getOrDefault(column, -1);
    }

    /** Index of a column the format requires; names it when the header lacks it. */
    int require(String column) throws DataFormatException {
        int i = column(column);
        if (i < 0) {
            throw new DataFormatException(file, 1, column, "missing column (header: " + String.join(",", header) + ")");
        }
        return i;
    }

    /** A number that must be finite and at least 0; names line and column otherwise. */
    double nonNegative(Row row, int column) throws DataFormatException {
        String s = row.fields().get(column).trim();
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, row.line(), header.get(column), "not a number: '" + s + "'");
        }
        if (!Double.isFinite(v) || v < 0) {
            throw new DataFormatException(file, row.line(), header.get(column),
                    (v < 0 ? "negative" : "not finite") + ": " + s);
        }
        return v;
    }

    private static List<String> split(Path file, int lineNo, String line) throws DataFormatException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new DataFormatException(file, lineNo, null, "unterminated quoted field");
        }
        out.add(cur.toString());
        return out;
    }
}
