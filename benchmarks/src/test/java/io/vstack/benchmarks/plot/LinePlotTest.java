package io.vstack.benchmarks.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class LinePlotTest {

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSvgParsesAndHasOnePathPerSeriesWithItsPoints() throws Exception {
        String svg = new LinePlot("miss ratio <w106> & co", "cache size", "miss ratio %").logX()
                .series("lru", new double[] {4096, 8192, 32768}, new double[] {18.2, 16.8, 7.6})
                .series("two-phase", new double[] {4096, 8192, 32768}, new double[] {17.0, 14.3, 6.8})
                .series("OPT", new double[] {4096, 8192, 32768}, new double[] {14.0, 11.1, 5.8}, true)
                .toSvg();
        Document doc = parse(svg);
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", doc.getDocumentElement().getNamespaceURI());
        NodeList paths = doc.getElementsByTagName("path");
        assertEquals(3, paths.getLength());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < paths.getLength(); i++) {
            Element path = (Element) paths.item(i);
            names.add(path.getTextContent());
            // One move and one line per further point.
            assertEquals(1, path.getAttribute("d").chars().filter(c -> c == 'M').count());
            assertEquals(2, path.getAttribute("d").chars().filter(c -> c == 'L').count());
        }
        assertEquals(List.of("OPT", "two-phase", "lru"), names, "drawn last to first, so the first series is on top");
        assertTrue(((Element) paths.item(0)).hasAttribute("stroke-dasharray"), "the OPT series is dashed");
        assertTrue(svg.contains("miss ratio &lt;w106&gt; &amp; co"), "the title is escaped");
    }

    @Test
    void pointsLieInsideThePlotAreaAndLowerValuesAreLower() throws Exception {
        Document doc = parse(new LinePlot("t", "x", "y").yFrom(0)
                .series("a", new double[] {1, 2, 3}, new double[] {10, 20, 30}).toSvg());
        String[] points = ((Element) doc.getElementsByTagName("path").item(0)).getAttribute("d").substring(1).split(" L");
        double previousX = -1;
        double previousY = Double.MAX_VALUE;
        for (String p : points) {
            String[] xy = p.trim().split(" ");
            double x = Double.parseDouble(xy[0]);
            double y = Double.parseDouble(xy[1]);
            assertTrue(x > previousX, "x grows to the right");
            assertTrue(y < previousY, "a larger value is drawn higher");
            assertTrue(x >= 70 && x <= 70 + 480 && y >= 40 && y <= 440 - 55, p);
            previousX = x;
            previousY = y;
        }
    }

    @Test
    void writesTheFileAndRefusesWhatCannotBeDrawn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("plots/a.svg");
        new LinePlot("t", "x", "y").series("a", new double[] {1}, new double[] {1}).write(file);
        parse(Files.readString(file));
        assertThrows(IllegalArgumentException.class,
                () -> new LinePlot("t", "x", "y").logX().series("a", new double[] {0, 1}, new double[] {1, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> new LinePlot("t", "x", "y").series("a", new double[] {1, 2}, new double[] {1}));
        assertThrows(IllegalStateException.class, () -> new LinePlot("t", "x", "y").toSvg());
    }

    @Test
    void thePlotsOptionIsTakenOutOfTheArguments() {
        List<String> args = new ArrayList<>(List.of("out", "--plots", "docs/plots", "3"));
        assertEquals(Path.of("docs/plots"), LinePlot.plotsOption(args));
        assertEquals(List.of("out", "3"), args);
        assertEquals(null, LinePlot.plotsOption(args));
        assertThrows(IllegalArgumentException.class, () -> LinePlot.plotsOption(new ArrayList<>(List.of("out", "--plots"))));
    }
}
