package dev.flash.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServicePopulationTest {

    @Test
    void sampleIsSeededSplitAndValid(@TempDir Path dir) throws Exception {
        List<ServiceSpec> a = ServicePopulation.sample(50, 3, 0.2);
        assertEquals(a, ServicePopulation.sample(50, 3, 0.2));
        assertEquals(10, ServicePopulation.split(a, ServiceSpec.TEST).size());
        for (ServiceSpec s : a) {
            assertTrue(s.problems().isEmpty(), s.name() + ": " + s.problems());
        }
        Path f = dir.resolve("s.json");
        StringWriter w = new StringWriter();
        ServicePopulation.write(a, w);
        Files.writeString(f, w.toString());
        assertEquals(a, ServicePopulation.read(f));
    }

    @Test
    void impossibleParametersAreNamed(@TempDir Path dir) throws Exception {
        StringWriter w = new StringWriter();
        ServicePopulation.write(ServicePopulation.sample(2, 1, 0), w);
        // an impossible value in the first service, a non-number in the second: both reported
        String json = w.toString().replaceFirst("\"parallel_efficiency\": [0-9.]+", "\"parallel_efficiency\": 1.5");
        int second = json.indexOf("svc-0001");
        json = json.substring(0, second) + json.substring(second).replaceFirst("\"peak_rate\": [0-9.]+", "\"peak_rate\": \"lots\"");
        Path f = dir.resolve("bad.json");
        Files.writeString(f, json);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ServicePopulation.read(f));
        assertTrue(e.getMessage().contains("services[0] (svc-0000): parallel_efficiency: must be in (0, 1]"), e.getMessage());
        assertTrue(e.getMessage().contains("services[1]: load.peak_rate: not a number"), e.getMessage());
    }

    @Test
    void aFormatThatIsNotAStringIsNamed(@TempDir Path dir) throws Exception {
        for (String format : new String[] {"null", "{}", "[1]"}) {
            Path f = dir.resolve("format.json");
            Files.writeString(f, "{\"format\": " + format + ", \"services\": []}");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ServicePopulation.read(f), format);
            assertTrue(e.getMessage().contains("format must be"), e.getMessage());
        }
    }
}
