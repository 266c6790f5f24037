package dev.specgate.gateway.decode;

import dev.specgate.engine.Generator;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.proto.v1.SamplingParams.Builder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Speculative vs verifier-only decoding, in-process, side by side in one run: acceptance (mean acceptance length,
 * per-position acceptance) for each k, and end-to-end generated tokens per second of both modes over the same
 * prompts. Every mode is run once untimed first so the JIT has compiled the hot paths of all of them; the timed
 * repeats then interleave the modes.
 */
public final class SpeculativeBenchmark {
    private SpeculativeBenchmark() {
    }

    public static Map<String, Object> run(LocalModels models, List<String> prompts, int maxTokens, int maxK,
                                          float temperature, int repeats) {
        List<int[]> promptIds = new ArrayList<>();
        for (String p : prompts) {
            promptIds.add(models.verifierModel().tokenizer().encode(p));
        }
        Builder sampling = dev.specgate.proto.v1.SamplingParams.newBuilder().setTemperature(temperature).setSeed(1);
        SpeculativeDecoder speculative = models.decoder();
        SpeculativeDecoder verifierOnly = models.verifierOnlyDecoder();

        // Warm-up: every mode once, untimed.
        for (int[] ids : promptIds) {
            verifierOnly.generate(new DecodeRequest(ids, maxTokens, sampling.build(), 1));
            Generator.generate(models.verifierModel(), ids, maxTokens, params(temperature));
            for (int k = 1; k <= maxK; k++) {
                speculative.generate(new DecodeRequest(ids, maxTokens, sampling.build(), k));
            }
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("draft", models.draftModel().name());
        out.put("model", models.verifierModel().name());
        out.put("prompts", prompts.size());
        out.put("max_tokens", maxTokens);
        out.put("temperature", temperature);
        out.put("repeats", repeats);

        // Every mode once per repeat, in turn (verifier-only, plain generator, k = 1..maxK), rather than each mode's
        // repeats in a row: on a shared machine whose load changes during the run, the modes that happened to run
        // last would otherwise carry the slowdown (the earlier sharp "drop at k = 7, 8" was such an artefact).
        long tokens = 0;
        long nanos = 0;
        long genTokens = 0;
        long genNanos = 0;
        long[] rounds = new long[maxK + 1], committed = new long[maxK + 1], drafted = new long[maxK + 1];
        long[] accepted = new long[maxK + 1], time = new long[maxK + 1];
        long[] draftTime = new long[maxK + 1], verifyTime = new long[maxK + 1];
        long[][] draftedAt = new long[maxK + 1][];
        long[][] acceptedAt = new long[maxK + 1][];
        for (int k = 1; k <= maxK; k++) {
            draftedAt[k] = new long[k];
            acceptedAt[k] = new long[k];
        }
        for (int r = 0; r < repeats; r++) {
            for (int[] ids : promptIds) {
                DecodeResult res = verifierOnly.generate(new DecodeRequest(ids, maxTokens, sampling.build(), 1));
                tokens += res.ids().length;
                nanos += res.totalNanos();
            }
            for (int[] ids : promptIds) {
                long t0 = System.nanoTime();
                Generator.Result res = Generator.generate(models.verifierModel(), ids, maxTokens, params(temperature));
                genNanos += System.nanoTime() - t0;
                genTokens += res.ids().length;
            }
            for (int k = 1; k <= maxK; k++) {
                for (int[] ids : promptIds) {
                    DecodeResult res = speculative.generate(new DecodeRequest(ids, maxTokens, sampling.build(), k));
                    rounds[k] += res.rounds();
                    committed[k] += res.ids().length;
                    drafted[k] += res.draftedTokens();
                    accepted[k] += res.acceptedTokens();
                    time[k] += res.totalNanos();
                    draftTime[k] += res.draftNanos();
                    verifyTime[k] += res.verifyNanos();
                    for (int i = 0; i < res.draftedAtPosition().length && i < k; i++) {
                        draftedAt[k][i] += res.draftedAtPosition()[i];
                        acceptedAt[k][i] += res.acceptedAtPosition()[i];
                    }
                }
            }
        }
        double baseline = tokens / (nanos / 1e9);
        out.put("verifier_only_tokens_per_second", baseline);
        out.put("generator_tokens_per_second", genTokens / (genNanos / 1e9));

        List<Map<String, Object>> perK = new ArrayList<>();
        for (int k = 1; k <= maxK; k++) {
            double[] positionRate = new double[k];
            for (int i = 0; i < k; i++) {
                positionRate[i] = draftedAt[k][i] == 0 ? 0 : acceptedAt[k][i] / (double) draftedAt[k][i];
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("k", k);
            row.put("rounds", rounds[k]);
            row.put("tokens", committed[k]);
            row.put("mean_acceptance_length", committed[k] / (double) rounds[k]);
            row.put("acceptance_rate", drafted[k] == 0 ? 0 : accepted[k] / (double) drafted[k]);
            row.put("accepted_at_position", acceptedAt[k]);
            row.put("drafted_at_position", draftedAt[k]);
            row.put("acceptance_at_position", positionRate);
            row.put("draft_ms_per_round", draftTime[k] / 1e6 / rounds[k]);
            row.put("verify_ms_per_round", verifyTime[k] / 1e6 / rounds[k]);
            double tps = committed[k] / (time[k] / 1e9);
            row.put("tokens_per_second", tps);
            row.put("speedup_vs_verifier_only", tps / baseline);
            perK.add(row);
        }
        out.put("speculative", perK);
        return out;
    }

    private static SamplingParams params(float temperature) {
        return new SamplingParams(temperature, 0, 1f, 0f, 1f, 1L);
    }
}
