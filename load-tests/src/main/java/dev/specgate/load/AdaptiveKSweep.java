package dev.specgate.load;

import dev.specgate.gateway.GatewayConfig;
import dev.specgate.routing.config.PolicyCodec;
import dev.specgate.routing.config.PolicyConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The adaptive-k benchmark of the routing policy: on one {@link Testbed}, for each emulated round-trip time, one
 * stream runs the same prompts speculatively with every fixed k (the policy's {@code k_min = k_max = k}, set through
 * {@code PUT /admin/policy}) and with adaptive k ({@code k_min = 0} .. {@code k_max}), and compares goodput:
 * committed tokens per second of the stream. Settings are interleaved pass by pass so that a noisy neighbour hits
 * all of them alike.
 */
public final class AdaptiveKSweep {
    /** Setting label of the adaptive controller. */
    public static final String ADAPTIVE = "adaptive";

    public record Options(List<Long> rttsMs, int kMax, int maxTokens, int prompts, int passes) {
    }

    /**
     * One setting at one RTT, all passes together.
     *
     * @param draftedPerToken draft tokens proposed per committed token (0 when speculation is off)
     */
    public record Cell(long rttMs, String setting, int requests, int errors, long tokens, double seconds,
                       double draftedPerToken, double meanAcceptanceLength) {
        public double goodput() {
            return seconds <= 0 ? 0 : tokens / seconds;
        }
    }

    /** The cells of one RTT and what they say. */
    public record RttResult(long rttMs, List<Cell> cells) {
        public Cell adaptive() {
            return cells.stream().filter(c -> c.setting().equals(ADAPTIVE)).findFirst().orElseThrow();
        }

        public Cell bestFixed() {
            return cells.stream().filter(c -> !c.setting().equals(ADAPTIVE))
                    .max((a, b) -> Double.compare(a.goodput(), b.goodput())).orElseThrow();
        }

        /** Adaptive goodput over the best fixed k's. */
        public double ratio() {
            return adaptive().goodput() / bestFixed().goodput();
        }
    }

    private AdaptiveKSweep() {
    }

    /** The gateway's draft temperature in speculative rounds (null = the request's): a high one makes acceptance low. */
    public static Consumer<GatewayConfig> configure(Double draftTemperature) {
        return c -> c.draftTemperature = draftTemperature;
    }

    public static List<RttResult> run(Testbed bed, StreamingClient client, PromptMix prompts, Options o,
                                      PrintStream log) throws IOException, InterruptedException {
        List<String> settings = new ArrayList<>();
        for (int k = 0; k <= o.kMax(); k++) {
            settings.add("k=" + k);
        }
        settings.add(ADAPTIVE);
        long runStart = System.nanoTime();
        List<RttResult> results = new ArrayList<>();
        try {
            bed.putPolicy(speculationPolicy(0, o.kMax(), Math.min(4, o.kMax()))); // warm-up: JIT, caches, the tenant's acceptance
            for (int i = 0; i < o.prompts(); i++) {
                client.send(new StreamingClient.Request("warm-up", prompt(prompts, i), o.maxTokens(), "hybrid"),
                        runStart);
            }
            for (long rtt : o.rttsMs()) {
                bed.network().rtt(rtt);
                Map<String, List<RequestRecord>> bySetting = new LinkedHashMap<>();
                settings.forEach(s -> bySetting.put(s, new ArrayList<>()));
                for (int pass = 0; pass < o.passes(); pass++) {
                    List<String> order = new ArrayList<>(settings);
                    if (pass % 2 == 1) {
                        Collections.reverse(order); // cancel drift across a pass
                    }
                    for (String setting : order) {
                        if (setting.equals(ADAPTIVE)) {
                            bed.putPolicy(speculationPolicy(0, o.kMax(), Math.min(4, o.kMax())));
                        } else {
                            int k = Integer.parseInt(setting.substring(2));
                            bed.putPolicy(speculationPolicy(k, k, k));
                        }
                        for (int i = 0; i < o.prompts(); i++) { // the same prompts for every setting
                            bySetting.get(setting).add(client.send(new StreamingClient.Request(setting + " rtt" + rtt,
                                    prompt(prompts, i), o.maxTokens(), "hybrid"), runStart));
                        }
                    }
                }
                List<Cell> cells = new ArrayList<>();
                bySetting.forEach((setting, records) -> cells.add(cell(rtt, setting, records)));
                RttResult result = new RttResult(rtt, cells);
                results.add(result);
                for (Cell c : cells) {
                    log.printf(Locale.ROOT, "rtt %3d ms  %-8s  %6.1f tok/s  drafted/token %.2f  accept %.2f  errors %d%n",
                            rtt, c.setting(), c.goodput(), c.draftedPerToken(), c.meanAcceptanceLength(), c.errors());
                }
                log.printf(Locale.ROOT, "rtt %3d ms: adaptive %.1f tok/s = %.0f%% of the best fixed %s (%.1f tok/s)%n",
                        rtt, result.adaptive().goodput(), 100 * result.ratio(), result.bestFixed().setting(),
                        result.bestFixed().goodput());
            }
        } finally {
            bed.network().rtt(0);
        }
        return results;
    }

    private static String prompt(PromptMix prompts, int i) {
        return prompts.prompts().get(i % prompts.size());
    }

    static Cell cell(long rtt, String setting, List<RequestRecord> records) {
        long tokens = 0;
        long drafted = 0;
        long accepted = 0;
        double seconds = 0;
        int errors = 0;
        for (RequestRecord r : records) {
            if (!r.complete()) {
                errors++;
                continue;
            }
            tokens += r.completionTokens();
            seconds += (r.endMs() - r.startMs()) / 1000.0;
            drafted += r.draftedTokens();
            accepted += r.acceptedTokens();
        }
        double perToken = tokens == 0 ? Double.NaN : (double) drafted / tokens;
        // tokens per round = accepted + the verifier's own token, per round; rounds = tokens - accepted
        long rounds = tokens - accepted;
        double acceptance = rounds <= 0 ? Double.NaN : (double) tokens / rounds;
        return new Cell(rtt, setting, records.size(), errors, tokens, seconds, perToken, acceptance);
    }

    /** The default policy with these speculation bounds, as JSON for {@code PUT /admin/policy}. */
    public static String speculationPolicy(int kMin, int kMax, int kInitial) {
        return PolicyCodec.toJson(PolicyConfig.withK(kMin, kMax, kInitial));
    }

    /** One run's table: goodput per setting and RTT, and adaptive against the best fixed k. */
    public static String markdown(String run, List<RttResult> results) {
        StringBuilder md = new StringBuilder("## " + run + "\n\n| RTT ms | setting | tok/s | drafted/token | "
                + "acceptance length | errors |\n|---|---|---|---|---|---|\n");
        for (RttResult r : results) {
            for (Cell c : r.cells()) {
                md.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.2f | %.2f | %d |%n", r.rttMs(), c.setting(),
                        c.goodput(), c.draftedPerToken(), c.meanAcceptanceLength(), c.errors()));
            }
        }
        md.append("\n| RTT ms | best fixed k | its tok/s | adaptive tok/s | adaptive / best | adaptive drafted/token |\n"
                + "|---|---|---|---|---|---|\n");
        for (RttResult r : results) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.2f | %.2f |%n", r.rttMs(),
                    r.bestFixed().setting(), r.bestFixed().goodput(), r.adaptive().goodput(), r.ratio(),
                    r.adaptive().draftedPerToken()));
        }
        return md.append("\n").toString();
    }
}
