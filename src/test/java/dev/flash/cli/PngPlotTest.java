package dev.flash.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PngPlotTest {

    @Test
    void writesAPngThatDecodesWithTheRequestedSize(@TempDir Path dir) throws Exception {
        double[] x = {1, 2, 3, 4, 5};
        PngPlot plot = new PngPlot("adaptation", "episode", "reward")
                .add(new PngPlot.Series("FLASH", new Color(200, 30, 30), x, new double[] {5, 6, 6, 6, 6},
                        new double[] {4, 5, 5, 5, 5}, new double[] {6, 7, 7, 7, 7}))
                .add(new PngPlot.Series("transfer", new Color(30, 30, 200), x, new double[] {1, 2, 3, 4, 5}, null, null))
                .add(new PngPlot.Reference("expert", Color.BLACK, 6.5));
        Path file = dir.resolve("adaptation.png");
        plot.write(file, 640, 400);
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, "ImageIO decodes the file");
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        // something was drawn: not every pixel is the white background
        int white = Color.WHITE.getRGB();
        boolean drawn = false;
        for (int px = 100; px < 600 && !drawn; px += 3) {
            for (int py = 50; py < 350; py += 3) {
                if (img.getRGB(px, py) != white) {
                    drawn = true;
                    break;
                }
            }
        }
        assertTrue(drawn);
        assertTrue(Files.list(dir).allMatch(p -> p.getFileName().toString().equals("adaptation.png")),
                "no temporary file left behind");
    }

    @Test
    void ticksAreRoundAndInsideTheRange() {
        var t = PngPlot.ticks(0.13, 0.91);
        assertTrue(t.size() >= 3);
        for (double v : t) {
            assertTrue(v >= 0.13 - 1e-12 && v <= 0.91 + 1e-12);
            assertEquals(v, Math.rint(v * 10) / 10, 1e-9);
        }
        assertNotEquals(t.get(0), t.get(1));
    }
}
