package dev.specgate.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a {@link Report} into a directory: {@code report.json} (summaries, scenario results, per-second
 * series), {@code report.md} (tables and charts), the PNG charts, and optionally {@code records.jsonl} with every
 * request's raw timings.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    public static void write(Path dir, Report report, boolean rawRecords) throws IOException {
        Files.createDirectories(dir);
        List<String> charts = charts(dir, report);
        JSON.writeValue(dir.resolve("report.json").toFile(), json(report));
        Files.writeString(dir.resolve("report.md"), markdown(report, charts));
        if (rawRecords) {
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("records.jsonl"))) {
                for (RunGroup g : report.groups()) {
                    for (RequestRecord r : g.records()) {
                        out.write(JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
                        out.newLine();
                    }
                }
            }
        }
    }

    private static ObjectNode json(Report report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("title", report.title());
        root.put("command", report.command());
        ObjectNode env = root.putObject("environment");
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        root.set("headlines", JSON.valueToTree(report.headlines()));
        root.set("notes", JSON.valueToTree(report.notes()));
        ArrayNode groups = root.putArray("groups");
        for (RunGroup g : report.groups()) {
            ObjectNode node = JSON.valueToTree(g.summary());
            node.set("timeline", JSON.valueToTree(Timeline.of(g.records())));
            groups.add(node);
        }
        ArrayNode scenarios = root.putArray("scenarios");
        for (FaultScenario.Result s : report.scenarios()) {
            ObjectNode node = scenarios.addObject();
            node.put("fault", s.fault().name().toLowerCase(Locale.ROOT));
            node.put("description", s.fault().description());
            node.put("fault_at_ms", s.faultAtMs());
            node.put("heal_at_ms", s.healAtMs());
            node.put("fallback_ms", s.fallbackMs());
            node.put("recovery_ms", s.recoveryMs());
            node.set("violations", JSON.valueToTree(s.violations()));
            node.set("summary", JSON.valueToTree(s.summary()));
            node.set("timeline", JSON.valueToTree(Timeline.of(s.records())));
        }
        return root;
    }

    /** Draws the charts that fit the report's data; returns their file names. */
    private static List<String> charts(Path dir, Report report) throws IOException {
        List<String> files = new ArrayList<>();
        TreeSet<Long> rtts = new TreeSet<>();
        TreeSet<Integer> concurrencies = new TreeSet<>();
        report.groups().forEach(g -> {
            rtts.add(g.summary().rttMs());
            concurrencies.add(g.summary().concurrency());
        });
        for (long rtt : rtts) {
            Map<String, double[]> itl = new LinkedHashMap<>();
            Map<String, double[]> ttft = new LinkedHashMap<>();
            for (RunGroup g : report.groups()) {
                if (g.summary().rttMs() == rtt) {
                    itl.put(g.summary().label(), g.records().stream().filter(RequestRecord::ok)
                            .flatMapToDouble(r -> Arrays.stream(r.interTokenMs())).toArray());
                    ttft.put(g.summary().label(), g.records().stream().filter(RequestRecord::ok)
                            .mapToDouble(RequestRecord::ttftMs).toArray());
                }
            }
            String suffix = rtts.size() > 1 ? "-rtt" + rtt : "";
            String rttText = rtt >= 0 ? " (RTT " + rtt + " ms)" : "";
            files.add(save(dir, "itl-cdf" + suffix + ".png", f -> Charts.cdf(f, "Inter-token latency CDF" + rttText,
                    "ms (log)", itl, true)));
            files.add(save(dir, "ttft-cdf" + suffix + ".png", f -> Charts.cdf(f, "Time to first token CDF" + rttText,
                    "ms (log)", ttft, true)));
        }
        if (concurrencies.size() > 1) {
            Map<String, List<double[]>> perStream = new LinkedHashMap<>();
            Map<String, List<double[]>> aggregate = new LinkedHashMap<>();
            for (RunGroup g : report.groups()) {
                CellSummary s = g.summary();
                String key = s.mode() + " @ " + s.rttMs() + " ms";
                perStream.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new double[]{s.concurrency(), s.streamTokensPerSecond()});
                aggregate.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(new double[]{s.concurrency(), s.aggregateTokensPerSecond()});
            }
            files.add(save(dir, "stream-tokens-per-second.png", f -> Charts.lines(f, "Tokens/s per stream",
                    "concurrent streams", "tokens/s", perStream)));
            files.add(save(dir, "aggregate-tokens-per-second.png", f -> Charts.lines(f, "Tokens/s, all streams",
                    "concurrent streams", "tokens/s", aggregate)));
        }
        // Comparison cells and fault scenarios have their own time axes (minutes vs seconds): separate charts.
        Map<String, List<RequestRecord>> cells = new LinkedHashMap<>();
        for (RunGroup g : report.groups()) {
            String key = report.groups().size() <= 6 ? g.summary().label() : String.valueOf(g.summary().mode());
            cells.computeIfAbsent(key, k -> new ArrayList<>()).addAll(g.records());
        }
        Map<String, List<RequestRecord>> faults = new LinkedHashMap<>();
        for (FaultScenario.Result s : report.scenarios()) {
            faults.put(s.fault().name().toLowerCase(Locale.ROOT), s.records());
        }
        timelineCharts(dir, "", cells, files);
        timelineCharts(dir, "faults-", faults, files);
        files.removeIf(f -> f == null);
        return files;
    }

    private static void timelineCharts(Path dir, String prefix, Map<String, List<RequestRecord>> timelines,
                                       List<String> files) throws IOException {
        if (timelines.isEmpty()) {
            return;
        }
        Map<String, List<double[]>> acceptance = new LinkedHashMap<>();
        Map<String, List<double[]>> fallbacks = new LinkedHashMap<>();
        for (var e : timelines.entrySet()) {
            for (Timeline.Point p : Timeline.of(e.getValue())) {
                acceptance.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new double[]{p.second(), p.meanAcceptanceLength()});
                fallbacks.computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(new double[]{p.second(), p.fallbacks()});
            }
        }
        String what = prefix.isEmpty() ? "" : " (fault scenarios)";
        files.add(save(dir, prefix + "acceptance-over-time.png", f -> Charts.lines(f,
                "Mean acceptance length over time" + what, "second of the run (by request end)", "tokens per round",
                acceptance)));
        files.add(save(dir, prefix + "fallbacks-over-time.png", f -> Charts.lines(f,
                "Requests that fell back, per second" + what, "second of the run (by request end)", "requests",
                fallbacks)));
    }

    private interface ChartCall {
        void draw(Path file) throws IOException;
    }

    private static String save(Path dir, String name, ChartCall call) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        call.draw(file);
        return Files.exists(file) ? name : null;
    }

    private static String markdown(Report report, List<String> charts) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(report.title()).append("\n\n");
        md.append("Command:\n\n```bash\n").append(report.command()).append("\n```\n\n");
        md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.name"))
                .append(".\n\n");
        if (!report.headlines().isEmpty()) {
            md.append("## Headlines\n\n| figure | value |\n|---|---|\n");
            report.headlines().forEach((k, v) -> md.append("| ").append(k).append(" | ").append(format(v))
                    .append(" |\n"));
            md.append('\n');
        }
        if (!report.groups().isEmpty()) {
            md.append("## Runs\n\nLatencies in ms. ITL = gap between streamed chunks (tokens a speculative round "
                    + "commits together arrive together, so its ITL has many near-zero gaps and one long one per "
                    + "round). Stream tok/s = tokens / (request sent → last byte), mean over requests.\n\n");
            md.append("| run | mode | streams | RTT | requests | errors | incomplete | fallbacks | TTFT p50 | p95 | p99 "
                    + "| ITL p50 | p95 | p99 | stream tok/s | total tok/s | accept len | cloud share |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (RunGroup g : report.groups()) {
                row(md, g.summary());
            }
            md.append('\n');
        }
        if (!report.scenarios().isEmpty()) {
            md.append("## Fault scenarios\n\nFallback = longest wait for the next token, from the fault, of a "
                    + "stream running then. Recovery = from the heal to the start of the first request verified "
                    + "again (speculative, no fallback).\n\n");
            md.append("| fault | requests | failed or incomplete | fallbacks | fault at | healed at | fallback ms "
                    + "| recovery ms | ITL p95 | p99 |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (FaultScenario.Result s : report.scenarios()) {
                CellSummary c = s.summary();
                md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d ms | %d ms | %s | %s | %s | %s |%n",
                        s.fault().description(), c.requests(), s.violations().size(), c.fallbacks(), s.faultAtMs(),
                        s.healAtMs(), format(s.fallbackMs()), format(s.recoveryMs()), format(c.itlP95()),
                        format(c.itlP99())));
            }
            md.append('\n');
        }
        if (!report.notes().isEmpty()) {
            md.append("## Notes\n\n");
            report.notes().forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        if (!charts.isEmpty()) {
            md.append("## Charts\n\n");
            charts.forEach(c -> md.append("![").append(c).append("](").append(c).append(")\n\n"));
        }
        return md.toString();
    }

    private static void row(StringBuilder md, CellSummary s) {
        md.append(String.format(Locale.ROOT,
                "| %s | %s | %d | %s | %d | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                s.label(), s.mode() == null ? "default" : s.mode(), s.concurrency(),
                s.rttMs() < 0 ? "n/a" : s.rttMs() + " ms", s.requests(), s.errors(), s.incomplete(), s.fallbacks(),
                format(s.ttftP50()), format(s.ttftP95()), format(s.ttftP99()), format(s.itlP50()), format(s.itlP95()),
                format(s.itlP99()), format(s.streamTokensPerSecond()), format(s.aggregateTokensPerSecond()),
                format(s.meanAcceptanceLength()), String.format(Locale.ROOT, "%.0f%%", 100 * s.cloudShare())));
    }

    static String format(Object value) {
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return "–";
            }
            return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%.0f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        return String.valueOf(value);
    }
}
