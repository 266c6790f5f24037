package dev.specgate.load;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The comparison matrix in one invocation, on one {@link Testbed}, with the same prompts in every cell:
 * decoding modes × concurrent streams (closed loop) × emulated gateway–verifier RTT. Derives the headline
 * figures: per-stream speedup of speculative over verifier-only, mean acceptance length, and verifier capacity
 * (most concurrent streams whose p95 inter-token latency meets a target) in each mode.
 */
public final class Comparison {
    /**
     * The compared modes, as the request's route hint: verifier-only; speculative with the classic fixed k
     * ({@link #FIXED_K}); and {@code auto}, adaptive routing: the routing policy (its defaults) picks each request's
     * route and, when it speculates, k every round.
     */
    public static final List<String> MODES = List.of("verifier-only", "speculative", "auto");
    /** k of the speculative cells. */
    public static final int FIXED_K = 4;

    public record Options(List<Long> rttsMs, List<Integer> concurrencies, List<Integer> capacityConcurrencies,
                          long capacityRttMs, Duration cellDuration, int maxTokens, double itlTargetMs,
                          boolean draftOnlyBaseline, Duration warmUpPerMode) {
    }

    private Comparison() {
    }

    public static Report run(Testbed bed, StreamingClient client, Supplier<PromptMix> prompts, Options o,
                             String command, boolean progress, PrintStream log)
            throws InterruptedException, IOException {
        long runStart = System.nanoTime();
        warmUp(client, prompts.get(), o.maxTokens(), o.warmUpPerMode(), runStart);
        List<RunGroup> groups = new ArrayList<>();
        for (long rtt : o.rttsMs()) {
            bed.network().rtt(rtt);
            List<Integer> concurrencies = new ArrayList<>(o.concurrencies());
            if (rtt == o.capacityRttMs()) {
                o.capacityConcurrencies().stream().filter(c -> !concurrencies.contains(c)).forEach(concurrencies::add);
                concurrencies.sort(null);
            }
            List<String> modes = new ArrayList<>(MODES);
            if (o.draftOnlyBaseline() && rtt == o.rttsMs().getFirst()) {
                modes.add("draft-only"); // never talks to the verifier: one RTT is enough
            }
            for (String mode : modes) {
                bed.putPolicy(policyFor(mode));
                for (int users : concurrencies) {
                    String label = mode + " c" + users + " rtt" + rtt;
                    // Enough requests that the time bound ends the cell, not the count.
                    Workload w = Workload.closed(label, users, users * 200, o.cellDuration(), o.maxTokens(), mode);
                    List<RequestRecord> records = new LoadGenerator(client, prompts.get(), progress)
                            .run(w, runStart);
                    RunGroup g = RunGroup.of(label, mode, users, rtt, records);
                    groups.add(g);
                    CellSummary s = g.summary();
                    log.printf(Locale.ROOT, "%-28s %4d req %3d err  ITL p95 %7.1f ms  stream %6.1f tok/s  "
                                    + "total %6.1f tok/s  accept %s%n", label, s.requests(), s.errors(), s.itlP95(),
                            s.streamTokensPerSecond(), s.aggregateTokensPerSecond(),
                            ReportWriter.format(s.meanAcceptanceLength()));
                }
            }
        }
        bed.network().rtt(0);
        bed.putPolicy(policyFor("auto"));
        return new Report("specgate comparison: verifier-only vs speculative vs adaptive routing", command, groups, List.of(),
                headlines(groups, o), notes(o));
    }

    /** Speculative cells speculate with a fixed k; every other mode runs under the policy's defaults. */
    private static String policyFor(String mode) {
        return mode.equals("speculative") ? AdaptiveKSweep.speculationPolicy(FIXED_K, FIXED_K, FIXED_K) : "{}";
    }

    /**
     * A few seconds of unrecorded load in every mode, so the first cells do not pay for JIT compilation (on two
     * cores, with 3 s per mode, the first cells still measured below the same cells run later).
     */
    private static void warmUp(StreamingClient client, PromptMix prompts, int maxTokens, Duration each,
                               long runStart)
            throws InterruptedException {
        if (each.isZero()) {
            return;
        }
        for (String mode : List.of("verifier-only", "speculative", "auto", "draft-only")) {
            new LoadGenerator(client, prompts, false).run(Workload.closed("warm-up " + mode, 4, 400,
                    each, maxTokens, mode), runStart);
        }
    }

    static Map<String, Object> headlines(List<RunGroup> groups, Options o) {
        Map<String, Object> h = new LinkedHashMap<>();
        for (long rtt : o.rttsMs()) {
            for (int c : o.concurrencies()) {
                CellSummary only = find(groups, "verifier-only", c, rtt);
                for (String mode : List.of("speculative", "auto")) {
                    CellSummary m = find(groups, mode, c, rtt);
                    if (m != null && only != null) {
                        h.put(String.format(Locale.ROOT, "per-stream speedup, %s / verifier-only, %d streams, "
                                + "RTT %d ms", mode, c, rtt), round(m.streamTokensPerSecond()
                                / only.streamTokensPerSecond()) + "x (" + round(m.streamTokensPerSecond()) + " vs "
                                + round(only.streamTokensPerSecond()) + " tok/s)");
                    }
                }
            }
        }
        long specTokens = 0;
        double weighted = 0;
        for (RunGroup g : groups) {
            CellSummary s = g.summary();
            if ("speculative".equals(s.mode()) && !Double.isNaN(s.meanAcceptanceLength())) {
                specTokens += s.tokens();
                weighted += s.meanAcceptanceLength() * s.tokens();
            }
        }
        if (specTokens > 0) {
            h.put("mean acceptance length (tokens per verification round, all speculative cells)",
                    round(weighted / specTokens));
        }
        for (String mode : MODES) {
            int best = 0;
            int tried = 0;
            for (RunGroup g : groups) {
                CellSummary s = g.summary();
                if (mode.equals(s.mode()) && s.rttMs() == o.capacityRttMs()) {
                    tried = Math.max(tried, s.concurrency());
                    if (s.errors() == 0 && s.itlP95() <= o.itlTargetMs()) {
                        best = Math.max(best, s.concurrency());
                    }
                }
            }
            h.put(String.format(Locale.ROOT, "verifier capacity, %s: most streams with p95 ITL ≤ %.0f ms at RTT %d ms",
                    mode, o.itlTargetMs(), o.capacityRttMs()), best + (best == tried ? "+ (largest tried)" : ""));
        }
        return h;
    }

    private static List<String> notes(Options o) {
        return List.of(
                "Modes are the request's route hint: verifier-only; speculative with a fixed k = " + FIXED_K
                        + "; auto = adaptive routing, the routing policy's defaults choosing each request's route "
                        + "(local, hybrid or cloud, from the verifier's health, the draft's entropy on the prompt and "
                        + "observed acceptance) and, when it speculates, k every round. Draft-only is shown at RTT "
                        + o.rttsMs().getFirst() + " ms as the floor.",
                "Everything (clients, gateway with its draft, verifier, network emulator) shares this machine's cores: "
                        + "capacities are relative figures for the two modes, not a verifier sizing.",
                "Verifier-only streams tokens over one gRPC Generate stream (no round trip per token), and its steps "
                        + "are batched by the same scheduler as verification rounds; RTT mostly adds to its TTFT.",
                "Each cell is a closed loop of N users for " + o.cellDuration().toSeconds() + " s (requests running "
                        + "at the end finish and count), " + o.maxTokens() + " tokens per request, greedy, prompts "
                        + "round-robin from the same file.",
                "Cells run one after the other in the order of the table (RTT by RTT), after an unrecorded "
                        + o.warmUpPerMode().toSeconds() + " s warm-up per mode.",
                "Capacity = the largest concurrency tried whose p95 inter-token latency meets the target; "
                        + "concurrencies tried at the capacity RTT: " + o.capacityConcurrencies() + ".");
    }

    private static CellSummary find(List<RunGroup> groups, String mode, int c, long rtt) {
        return groups.stream().map(RunGroup::summary)
                .filter(s -> mode.equals(s.mode()) && s.concurrency() == c && s.rttMs() == rtt)
                .findFirst().orElse(null);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
