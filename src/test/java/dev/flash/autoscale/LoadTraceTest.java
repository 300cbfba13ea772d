package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadTraceTest {

    private static LoadTrace read(String text, double interval, double scale) throws Exception {
        return LoadTrace.read(new BufferedReader(new StringReader(text)), "t.txt", interval, scale);
    }

    private static double[] rates(LoadTrace t) {
        double[] r = new double[t.steps()];
        for (int i = 0; i < r.length; i++) {
            r[i] = t.rate(i);
        }
        return r;
    }

    @Test
    void countsPerSecondBecomeMeanRatesPerMinuteStep() throws Exception {
        // 120 one-second counts: 60 x 1 then 60 x 3, on one line and across lines alike
        String oneLine = "1 ".repeat(60) + "3 ".repeat(60);
        assertArrayEquals(new double[] {1, 3}, rates(read(oneLine, 1, 1)), 1e-12);
        String lines = "1\n".repeat(60) + "3\n".repeat(60);
        assertArrayEquals(new double[] {2, 6}, rates(read(lines, 1, 2)), 1e-12);
    }

    @Test
    void longIntervalsSpreadOverSteps() throws Exception {
        // one count of 600 per 300 s: 2 req/s in each of five 60 s steps
        assertArrayEquals(new double[] {2, 2, 2, 2, 2}, rates(read("600\n", 300, 1)), 1e-12);
    }

    @Test
    void csvWithHeaderAndTimestamps() throws Exception {
        String csv = "timestamp,count\n" + "0,60\n" + "30,0\n" + "60,30\n" + "90,30\n";
        assertArrayEquals(new double[] {1, 1}, rates(read(csv, 30, 1)), 1e-12);
    }

    @Test
    void badInputNamesLineAndColumn() {
        InvalidInputException nonNumeric = assertThrows(InvalidInputException.class, () -> read("1 2\n3 x4 5\n", 1, 1));
        assertTrue(nonNumeric.getMessage().contains("t.txt:2:3"), nonNumeric.getMessage());
        assertTrue(nonNumeric.getMessage().contains("'x4'"), nonNumeric.getMessage());
        InvalidInputException negative = assertThrows(InvalidInputException.class, () -> read("1\n-2\n", 1, 1));
        assertTrue(negative.getMessage().contains("t.txt:2:1: negative count -2"), negative.getMessage());
        InvalidInputException gap = assertThrows(InvalidInputException.class,
                () -> read("0,1\n60,1\n180,1\n", 60, 1));
        assertTrue(gap.getMessage().contains("t.txt:3:1") && gap.getMessage().contains("gap"), gap.getMessage());
        InvalidInputException empty = assertThrows(InvalidInputException.class, () -> read("# only a comment\n\n", 1, 1));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        InvalidInputException csvField = assertThrows(InvalidInputException.class, () -> read("0,1\n60,1,2\n", 60, 1));
        assertTrue(csvField.getMessage().contains("t.txt:2"), csvField.getMessage());
        InvalidInputException nan = assertThrows(InvalidInputException.class, () -> read("1 NaN\n", 1, 1));
        assertTrue(nan.getMessage().contains("t.txt:1:3"), nan.getMessage());
    }

    @Test
    void readsBzip2Files(@TempDir Path dir) throws IOException, InvalidInputException {
        Path f = dir.resolve("trace.txt.bz2");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(f))) {
            out.write(("4 ".repeat(120)).getBytes());
        }
        LoadTrace t = LoadTrace.read(f, 1, 0.5);
        assertArrayEquals(new double[] {2, 2}, rates(t), 1e-12);
    }

    @Test
    void syntheticLoadHasItsCycleAndIsSeeded() {
        ServiceSpec.LoadShape shape = new ServiceSpec.LoadShape(100, 0.1, 60, 0, 1, 2, 0);
        LoadTrace a = LoadTrace.synthetic(shape, 120, 4);
        assertArrayEquals(rates(a), rates(LoadTrace.synthetic(shape, 120, 4)));
        assertEquals(100, a.peak(), 1);
        assertEquals(55, a.mean(), 1); // raised cosine between 10 and 100
        assertEquals(200, a.scaledToPeak(200).peak(), 1e-9);
    }
}
