package io.vstack.benchmarks.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line plot written as a standalone SVG file: axes with ticks and labels, one {@code <path>} per
 * series with a marker at each point, and a legend. Linear or logarithmic x and y axes. Plain Java,
 * so the harnesses can draw their figures next to the tables they print (docs/plots/).
 */
public final class LinePlot {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf",
        "#e377c2", "#7f7f7f", "#bcbd22"};
    private static final int PLOT_WIDTH = 480;
    private static final int HEIGHT = 440;
    private static final int LEFT = 70;
    private static final int TOP = 40;
    private static final int BOTTOM = 55;

    private record Series(String name, double[] xs, double[] ys, boolean dashed) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private boolean logX;
    private boolean logY;
    private Double yMin;

    /** A plot with a title and axis labels; add series, then {@link #toSvg()} or {@link #write(Path)}. */
    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    /** Logarithmic x axis (every x must be positive). */
    public LinePlot logX() {
        logX = true;
        return this;
    }

    /** Logarithmic y axis (every y must be positive). */
    public LinePlot logY() {
        logY = true;
        return this;
    }

    /** Starts the linear y axis at this value instead of the smallest y (e.g. 0). */
    public LinePlot yFrom(double min) {
        yMin = min;
        return this;
    }

    /** Adds a solid series; points are drawn in the order given. */
    public LinePlot series(String name, double[] xs, double[] ys) {
        return series(name, xs, ys, false);
    }

    /** Adds a series, dashed if asked (e.g. a bound such as OPT). */
    public LinePlot series(String name, double[] xs, double[] ys, boolean dashed) {
        if (xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException("series " + name + ": " + xs.length + " x values, " + ys.length + " y values");
        }
        for (int i = 0; i < xs.length; i++) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i]) || (logX && xs[i] <= 0) || (logY && ys[i] <= 0)) {
                throw new IllegalArgumentException("series " + name + ": point (" + xs[i] + ", " + ys[i] + ") cannot be drawn");
            }
        }
        series.add(new Series(name, xs.clone(), ys.clone(), dashed));
        return this;
    }

    /**
     * Takes the harnesses' option {@code --plots DIR} out of their arguments.
     *
     * @param args the command line, without the option afterwards
     * @return the directory, or null if the option is absent
     */
    public static Path plotsOption(List<String> args) {
        int at = args.indexOf("--plots");
        if (at < 0) {
            return null;
        }
        if (at + 1 >= args.size()) {
            throw new IllegalArgumentException("--plots needs a directory");
        }
        Path dir = Path.of(args.get(at + 1));
        args.subList(at, at + 2).clear();
        return dir;
    }

    /** Writes {@link #toSvg()} to the file, creating its directory. */
    public void write(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.writeString(file, toSvg(), StandardCharsets.UTF_8);
    }

    /** The plot as an SVG document. */
    public String toSvg() {
        if (series.isEmpty()) {
            throw new IllegalStateException("no series to plot");
        }
        Axis x = new Axis(logX, null, series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.xs)).toArray());
        Axis y = new Axis(logY, yMin, series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.ys)).toArray());
        // The legend's column is as wide as its longest name (about 7 px a character at 12 px).
        int longest = series.stream().mapToInt(s -> s.name.length()).max().orElse(0);
        int right = Math.max(120, 50 + 7 * longest);
        int width = LEFT + PLOT_WIDTH + right;
        double plotW = PLOT_WIDTH;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, HEIGHT, width, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, HEIGHT));
        svg.append(text(LEFT + plotW / 2, 22, title, "middle", "font-size=\"14\" font-weight=\"bold\""));
        // Grid and ticks.
        for (double t : x.ticks()) {
            double px = LEFT + x.fraction(t) * plotW;
            svg.append(line(px, TOP, px, TOP + plotH, "#e0e0e0"));
            svg.append(line(px, TOP + plotH, px, TOP + plotH + 5, "black"));
            svg.append(text(px, TOP + plotH + 18, Axis.label(t), "middle", ""));
        }
        for (double t : y.ticks()) {
            double py = TOP + plotH - y.fraction(t) * plotH;
            svg.append(line(LEFT, py, LEFT + plotW, py, "#e0e0e0"));
            svg.append(line(LEFT - 5, py, LEFT, py, "black"));
            svg.append(text(LEFT - 8, py + 4, Axis.label(t), "end", ""));
        }
        svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "black"));
        svg.append(line(LEFT, TOP, LEFT, TOP + plotH, "black"));
        svg.append(text(LEFT + plotW / 2, HEIGHT - 12, xLabel, "middle", ""));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 16 %.1f)\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
        // Series (the first drawn last, on top, and wider: the harnesses put their own figure first) and legend.
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            String dash = s.dashed ? " stroke-dasharray=\"6 4\"" : "";
            StringBuilder d = new StringBuilder();
            StringBuilder marks = new StringBuilder();
            for (int p = 0; p < s.xs.length; p++) {
                double px = LEFT + x.fraction(s.xs[p]) * plotW;
                double py = TOP + plotH - y.fraction(s.ys[p]) * plotH;
                d.append(p == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                if (s.xs.length <= 40) {
                    marks.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", px, py, color));
                }
            }
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s><title>%s</title></path>%n",
                    d, color, i == 0 ? "2.6" : "1.6", dash, escape(s.name)));
            svg.append(marks);
            double ly = TOP + 10 + i * 20;
            double lx = LEFT + plotW + 15;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>%n",
                    lx, ly, lx + 24, ly, color, dash));
            svg.append(text(lx + 30, ly + 4, s.name, "start", ""));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n", x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, String s, String anchor, String extra) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>%s</text>%n", x, y, anchor, extra, escape(s));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** An axis' range and ticks: 1-2-5 steps when linear, 1-2-5 × powers of ten (or powers of ten) when logarithmic. */
    private static final class Axis {
        private final boolean log;
        private final double lo;
        private final double hi;
        private final List<Double> ticks = new ArrayList<>();

        Axis(boolean log, Double from, double[] values) {
            this.log = log;
            double min = java.util.Arrays.stream(values).min().orElseThrow();
            double max = java.util.Arrays.stream(values).max().orElseThrow();
            if (from != null && !log) {
                min = Math.min(min, from);
            }
            if (log) {
                double decadeLo = Math.floor(Math.log10(min));
                double decadeHi = Math.ceil(Math.log10(max));
                double[] mantissas = decadeHi - decadeLo > 3 ? new double[] {1} : new double[] {1, 2, 5};
                for (double e = decadeLo; e <= decadeHi; e++) {
                    for (double m : mantissas) {
                        double t = m * Math.pow(10, e);
                        if (t >= min * 0.999 && t <= max * 1.001) {
                            ticks.add(t);
                        }
                    }
                }
                double span = Math.max(Math.log10(max) - Math.log10(min), 1e-9);
                lo = Math.log10(min) - 0.04 * span;
                hi = Math.log10(max) + 0.04 * span;
            } else {
                if (max - min < 1e-12) {
                    max = min + 1;
                }
                double step = niceStep((max - min) / 6);
                double start = Math.floor(min / step) * step;
                double end = Math.ceil(max / step) * step;
                for (double t = start; t <= end + step / 2; t += step) {
                    ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
                }
                lo = start;
                hi = end;
            }
        }

        List<Double> ticks() {
            return ticks;
        }

        double fraction(double v) {
            double p = log ? Math.log10(v) : v;
            return (p - lo) / (hi - lo);
        }

        static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double m = raw / magnitude;
            return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude;
        }

        static String label(double v) {
            if (Math.abs(v) >= 1e6 && v == Math.rint(v)) {
                return v % 1e6 == 0 ? String.format(Locale.ROOT, "%.0fM", v / 1e6) : String.format(Locale.ROOT, "%.1fM", v / 1e6);
            }
            if (Math.abs(v) >= 1e4 && v == Math.rint(v) || Math.abs(v) >= 1e3 && v % 1e3 == 0) {
                return v % 1e3 == 0 ? String.format(Locale.ROOT, "%.0fk", v / 1e3) : String.format(Locale.ROOT, "%.1fk", v / 1e3);
            }
            if (v == Math.rint(v)) {
                return String.format(Locale.ROOT, "%.0f", v);
            }
            String s = String.format(Locale.ROOT, "%.3f", v);
            return s.replaceAll("0+$", "");
        }
    }
}
