package dev.specgate.cli;

import dev.specgate.engine.ModelFiles;
import dev.specgate.load.AdaptiveKSweep;
import dev.specgate.load.CellSummary;
import dev.specgate.load.Comparison;
import dev.specgate.load.Fault;
import dev.specgate.load.FaultScenario;
import dev.specgate.load.LoadGenerator;
import dev.specgate.load.LoopbackGuard;
import dev.specgate.load.PromptMix;
import dev.specgate.load.Report;
import dev.specgate.load.ReportWriter;
import dev.specgate.load.RequestRecord;
import dev.specgate.load.RunGroup;
import dev.specgate.load.StreamingClient;
import dev.specgate.load.Testbed;
import dev.specgate.load.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./specgate load}: streaming load against a running gateway (loopback only), or, with {@code --compare}
 * or {@code --scenarios}, a self-contained run that starts its own gateway, network emulator and verifier.
 * Writes {@code report.json}, {@code report.md} and PNG charts into {@code --out}.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Load-test a gateway on this machine; --compare / --scenarios start their own system.")
final class LoadCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/v1",
            description = "Gateway base URL, loopback only (default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--users", description = "Closed loop: concurrent users (default 8 unless --rate)")
    Integer users;

    @Option(names = "--rate", description = "Open loop: Poisson arrivals per second")
    Double rate;

    @Option(names = "--requests", defaultValue = "200", description = "At most this many requests (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--duration", defaultValue = "60s", description = "At most this long, e.g. 30s, 2m (default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Tokens per request (default ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--mode", description = "specgate_mode of every request: speculative, verifier-only, draft-only")
    String mode;

    @Option(names = "--prompts", defaultValue = "../shared/reference/prompts.txt",
            description = "Prompt file, one per line (default ${DEFAULT-VALUE})")
    Path prompts;

    @Option(names = "--out", defaultValue = "load-report", description = "Report directory (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--raw", description = "Also write records.jsonl with every request's timings")
    boolean raw;

    @Option(names = "--no-progress", description = "No progress bar")
    boolean noProgress;

    @Option(names = "--compare", description = "Run the comparison matrix on an in-process system")
    boolean compare;

    @Option(names = "--scenarios", description = "Run the fault-injection scenarios on an in-process system")
    boolean scenarios;

    @Option(names = "--adaptive-k", description = "Benchmark adaptive k against every fixed k on an in-process system")
    boolean adaptiveK;

    @Option(names = "--k-max", defaultValue = "8", description = "--adaptive-k: largest k swept (default ${DEFAULT-VALUE})")
    int kMax;

    @Option(names = "--sweep-prompts", defaultValue = "4",
            description = "--adaptive-k: prompts per setting and pass (default ${DEFAULT-VALUE})")
    int sweepPrompts;

    @Option(names = "--passes", defaultValue = "2", description = "--adaptive-k: interleaved passes (default ${DEFAULT-VALUE})")
    int passes;

    @Option(names = "--low-acceptance-temperature", defaultValue = "3.0",
            description = "--adaptive-k: the draft's temperature in the low-acceptance run (default ${DEFAULT-VALUE})")
    double lowAcceptanceTemperature;

    @Option(names = "--low-acceptance-rtts", defaultValue = "20", split = ",",
            description = "--adaptive-k: RTTs of the low-acceptance run in ms (default ${DEFAULT-VALUE})")
    List<Long> lowAcceptanceRtts;

    @Option(names = "--rtts", defaultValue = "0,20,80", split = ",", description = "--compare, --adaptive-k: emulated RTTs in ms")
    List<Long> rtts;

    @Option(names = "--concurrency", defaultValue = "1,8,32", split = ",", description = "--compare: streams per cell")
    List<Integer> concurrency;

    @Option(names = "--capacity-concurrency", defaultValue = "1,2,4,8,16,32,64", split = ",",
            description = "--compare: streams tried for the capacity figure, at --capacity-rtt")
    List<Integer> capacityConcurrency;

    @Option(names = "--capacity-rtt", defaultValue = "20", description = "--compare: RTT of the capacity sweep (ms)")
    long capacityRtt;

    @Option(names = "--itl-target-ms", defaultValue = "50", description = "--compare: p95 inter-token latency target")
    double itlTargetMs;

    @Option(names = "--cell-duration", defaultValue = "10s", description = "--compare: duration of each cell")
    String cellDuration;

    @Option(names = "--draft", defaultValue = ServeCommand.DEFAULT_DRAFT, description = "--compare/--scenarios: draft GGUF")
    String draft;

    @Option(names = "--verifier", defaultValue = ServeCommand.DEFAULT_VERIFIER,
            description = "--compare/--scenarios: verifier GGUF")
    String verifier;

    @Option(names = "--round-timeout-ms", defaultValue = "500",
            description = "--scenarios: the gateway's verification round timeout")
    long roundTimeoutMs;

    @Override
    public Integer call() throws Exception {
        PromptMix.load(prompts); // fail early on a missing file
        if (adaptiveK) {
            return adaptiveKSweep();
        }
        if (compare || scenarios) {
            return selfContained();
        }
        LoopbackGuard.requireLoopback(url);
        Workload workload = rate != null
                ? Workload.open("open " + rate + "/s", rate, requests, LoadGenerator.parseDuration(duration), maxTokens, mode)
                : Workload.closed("closed " + (users == null ? 8 : users), users == null ? 8 : users, requests,
                LoadGenerator.parseDuration(duration), maxTokens, mode);
        System.err.println("specgate load: " + workload.describe() + " against " + url);
        try (StreamingClient client = new StreamingClient(url, Duration.ofMinutes(5))) {
            List<RequestRecord> records = new LoadGenerator(client, PromptMix.load(prompts), !noProgress)
                    .run(workload, System.nanoTime());
            RunGroup group = RunGroup.of(workload.label(), mode, workload.users(), -1, records);
            write(new Report("specgate load run", commandLine(), List.of(group), List.of(), java.util.Map.of(),
                    List.of(workload.describe())));
            return group.summary().errors() == 0 ? 0 : 1;
        }
    }

    private int selfContained() throws Exception {
        String draftPath = ModelFiles.resolve(draft).toString();
        String verifierPath = ModelFiles.resolve(verifier).toString();
        List<RunGroup> groups = new ArrayList<>();
        List<FaultScenario.Result> results = new ArrayList<>();
        java.util.Map<String, Object> headlines = new java.util.LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        String title = "specgate load";
        int status = 0;
        if (compare) {
            try (Testbed bed = Testbed.start(draftPath, verifierPath, c -> { });
                 StreamingClient client = new StreamingClient(bed.baseUrl(), Duration.ofMinutes(5))) {
                Comparison.Options options = new Comparison.Options(rtts, concurrency, capacityConcurrency,
                        capacityRtt, LoadGenerator.parseDuration(cellDuration), maxTokens, itlTargetMs, true,
                        Duration.ofSeconds(8));
                Report r = Comparison.run(bed, client, this::promptMix, options, commandLine(), !noProgress,
                        System.err);
                groups.addAll(r.groups());
                headlines.putAll(r.headlines());
                notes.addAll(r.notes());
                title = r.title();
            }
        }
        if (scenarios) {
            try (Testbed bed = Testbed.start(draftPath, verifierPath, c -> {
                c.resilience.roundTimeoutMs = roundTimeoutMs;
                c.resilience.openWaitMs = 500;
            }); StreamingClient client = new StreamingClient(bed.baseUrl(), Duration.ofMinutes(5))) {
                for (Fault fault : Fault.values()) {
                    // Bounded by time, not count: draft-only requests during the fault are quick, and a count
                    // cap would end the run before the heal and leave recovery unmeasured.
                    Workload w = Workload.closed(fault.name().toLowerCase(Locale.ROOT), users == null ? 8 : users,
                            100_000, Duration.ofSeconds(12), maxTokens, "speculative");
                    FaultScenario.Result r = FaultScenario.run(bed, new LoadGenerator(client, promptMix(), !noProgress),
                            w, fault, Duration.ofSeconds(3), Duration.ofSeconds(7), roundTimeoutMs);
                    results.add(r);
                    System.err.printf(Locale.ROOT, "%s: %d requests, %d violations, fallback %.0f ms, recovery %.0f ms%n",
                            fault.description(), r.summary().requests(), r.violations().size(), r.fallbackMs(),
                            r.recoveryMs());
                    if (!r.violations().isEmpty()) {
                        status = 1;
                    }
                }
                notes.add("Scenarios: " + (users == null ? 8 : users) + " closed-loop users, speculative, fault at "
                        + "3 s, healed at 7 s, run 12 s; gateway round timeout " + roundTimeoutMs + " ms, breaker "
                        + "open wait 500 ms; the slow verifier gets a one-way delay equal to the round timeout.");
            }
            title = compare ? title + ", and fault scenarios" : "specgate fault scenarios";
        }
        write(new Report(title, commandLine(), groups, results, headlines, notes));
        return status;
    }

    /** The adaptive-k benchmark: the shared pair as it is, then with a draft made poor by a high temperature. */
    private int adaptiveKSweep() throws Exception {
        String draftPath = ModelFiles.resolve(draft).toString();
        String verifierPath = ModelFiles.resolve(verifier).toString();
        StringBuilder md = new StringBuilder("# Adaptive k against every fixed k\n\n`" + commandLine() + "`\n\n");
        boolean ok = true;
        for (Double temperature : java.util.Arrays.asList(null, lowAcceptanceTemperature)) {
            List<Long> sweepRtts = temperature == null ? rtts : lowAcceptanceRtts;
            String run = temperature == null ? "draft as requested (greedy)" : "draft at temperature " + temperature;
            System.err.println("specgate load --adaptive-k: " + run);
            try (Testbed bed = Testbed.start(draftPath, verifierPath, AdaptiveKSweep.configure(temperature));
                 StreamingClient client = new StreamingClient(bed.baseUrl(), Duration.ofMinutes(5))) {
                List<AdaptiveKSweep.RttResult> results = AdaptiveKSweep.run(bed, client, promptMix(),
                        new AdaptiveKSweep.Options(sweepRtts, kMax, maxTokens, sweepPrompts, passes), System.err);
                md.append(AdaptiveKSweep.markdown(run, results));
                ok &= results.stream().allMatch(r -> r.cells().stream().allMatch(c -> c.errors() == 0));
            }
        }
        java.nio.file.Files.createDirectories(out);
        java.nio.file.Files.writeString(out.resolve("adaptive-k.md"), md);
        System.err.println("specgate load: adaptive-k report in " + out.toAbsolutePath().resolve("adaptive-k.md"));
        return ok ? 0 : 1;
    }

    private PromptMix promptMix() {
        try {
            return PromptMix.load(prompts);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(Report report) throws IOException {
        ReportWriter.write(out, report, raw);
        for (RunGroup g : report.groups()) {
            CellSummary s = g.summary();
            System.err.printf(Locale.ROOT, "%s: %d requests, %d errors, %d incomplete, TTFT p50/p95/p99 %.1f/%.1f/%.1f ms,"
                            + " ITL p50/p95/p99 %.1f/%.1f/%.1f ms, %.1f tok/s per stream, %.1f tok/s total%n",
                    s.label(), s.requests(), s.errors(), s.incomplete(), s.ttftP50(), s.ttftP95(), s.ttftP99(),
                    s.itlP50(), s.itlP95(), s.itlP99(), s.streamTokensPerSecond(), s.aggregateTokensPerSecond());
        }
        report.headlines().forEach((k, v) -> System.err.println(k + ": " + v));
        System.err.println("specgate load: report in " + out.toAbsolutePath().resolve("report.md"));
    }

    private String commandLine() {
        List<String> args = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        if (!args.isEmpty() && args.getFirst().equals("load")) {
            args.removeFirst(); // picocli hands over the whole command line, subcommand name included
        }
        return "./specgate load " + String.join(" ", args);
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;
}
