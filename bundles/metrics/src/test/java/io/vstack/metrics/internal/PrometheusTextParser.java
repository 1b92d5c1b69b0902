package io.vstack.metrics.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, written for the tests from the
 * format's specification (prometheus.io/docs/instrumenting/exposition_formats; Maven Central has
 * no maintained Java parser of it): {@code # HELP} and {@code # TYPE} lines, samples
 * {@code name{label="value",...} value [timestamp]} with the escapes {@code \\ \" \n}, values as
 * Go floats ({@code NaN}, {@code +Inf}, {@code -Inf}). It refuses what the format forbids: an
 * invalid metric or label name, a second TYPE for a family, a TYPE after the family's samples,
 * a family's samples that are not together, a series twice, a histogram whose buckets decrease or
 * whose {@code +Inf} bucket differs from its {@code _count}.
 */
final class PrometheusTextParser {

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A family: its TYPE and HELP and its samples. */
    record Family(String name, String type, String help, List<Sample> samples) {

        /** The samples named {@code name} whose labels include {@code labels}. */
        List<Sample> samples(String sampleName, Map<String, String> labels) {
            return samples.stream().filter(s -> s.name().equals(sampleName)
                    && s.labels().entrySet().containsAll(labels.entrySet())).toList();
        }

        /** The one value of {@code sampleName} with exactly {@code labels}. */
        double value(String sampleName, Map<String, String> labels) {
            List<Sample> found = samples.stream().filter(s -> s.name().equals(sampleName) && s.labels().equals(labels)).toList();
            if (found.size() != 1) {
                throw new AssertionError(found.size() + " samples " + sampleName + labels + " in " + samples);
            }
            return found.get(0).value();
        }
    }

    private PrometheusTextParser() {
    }

    /** Parses a whole exposition; families by name in order. */
    static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        java.util.Set<String> series = new java.util.HashSet<>();
        String current = null;
        java.util.Set<String> closed = new java.util.HashSet<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && parts[1].equals("TYPE")) {
                    String name = parts[2];
                    requireName(name, lineNo);
                    if (families.containsKey(name)) {
                        throw new IllegalArgumentException("line " + lineNo + ": second TYPE for " + name);
                    }
                    String type = parts.length == 4 ? parts[3] : "";
                    if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(type)) {
                        throw new IllegalArgumentException("line " + lineNo + ": unknown type " + type);
                    }
                    if (current != null) {
                        closed.add(current);
                    }
                    current = name;
                    families.put(name, new Family(name, type, help.get(name), new ArrayList<>()));
                } else if (parts.length >= 3 && parts[1].equals("HELP")) {
                    requireName(parts[2], lineNo);
                    help.put(parts[2], parts.length == 4 ? unescape(parts[3]) : "");
                }
                continue;
            }
            Sample sample = sample(line, lineNo);
            String family = familyOf(sample.name(), families);
            if (family == null) {
                throw new IllegalArgumentException("line " + lineNo + ": sample " + sample.name() + " without a TYPE");
            }
            if (!family.equals(current) || closed.contains(family)) {
                throw new IllegalArgumentException("line " + lineNo + ": samples of " + family + " are not together");
            }
            if (!series.add(sample.name() + sample.labels())) {
                throw new IllegalArgumentException("line " + lineNo + ": series twice: " + sample.name() + sample.labels());
            }
            families.get(family).samples().add(sample);
        }
        families.values().forEach(PrometheusTextParser::checkHistogram);
        return families;
    }

    private static String familyOf(String sample, Map<String, Family> families) {
        if (families.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if (families.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static void checkHistogram(Family f) {
        if (!f.type().equals("histogram")) {
            return;
        }
        Map<Map<String, String>, List<Sample>> byLabels = new LinkedHashMap<>();
        for (Sample s : f.samples()) {
            if (s.name().endsWith("_bucket")) {
                Map<String, String> key = new TreeMap<>(s.labels());
                if (key.remove("le") == null) {
                    throw new IllegalArgumentException(f.name() + ": a bucket without le");
                }
                byLabels.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
            }
        }
        byLabels.forEach((labels, buckets) -> {
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample b : buckets) {
                double bound = number(b.labels().get("le"));
                if (!(bound > previousBound) || b.value() < previousCount) {
                    throw new IllegalArgumentException(f.name() + labels + ": buckets must increase: " + buckets);
                }
                previousBound = bound;
                previousCount = b.value();
            }
            if (previousBound != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(f.name() + labels + ": no +Inf bucket");
            }
            if (f.value(f.name() + "_count", labels) != previousCount) {
                throw new IllegalArgumentException(f.name() + labels + ": +Inf bucket differs from _count");
            }
        });
    }

    private static Sample sample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        requireName(name, lineNo);
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches()) {
                    throw new IllegalArgumentException("line " + lineNo + ": bad label name " + label);
                }
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("line " + lineNo + ": label value not quoted");
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char e = line.charAt(++j);
                        value.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("line " + lineNo + ": bad escape \\" + e);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("line " + lineNo + ": label " + label + " twice");
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split(" +");
        if (rest.length < 1 || rest.length > 2) {
            throw new IllegalArgumentException("line " + lineNo + ": expected a value and maybe a timestamp: " + line);
        }
        if (rest.length == 2) {
            Long.parseLong(rest[1]);
        }
        return new Sample(name, labels, number(rest[0]));
    }

    static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static void requireName(String name, int lineNo) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("line " + lineNo + ": bad metric name " + name);
        }
    }

    private static String unescape(String text) {
        return text.replace("\\n", "\n").replace("\\\\", "\\");
    }
}
