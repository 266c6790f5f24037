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
 * prompts. Every mode is run once untimed first so the JIT has compiled the hot paths of all of them.
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

        long tokens = 0;
        long nanos = 0;
        for (int r = 0; r < repeats; r++) {
            for (int[] ids : promptIds) {
                DecodeResult res = verifierOnly.generate(new DecodeRequest(ids, maxTokens, sampling.build(), 1));
                tokens += res.ids().length;
                nanos += res.totalNanos();
            }
        }
        double baseline = tokens / (nanos / 1e9);
        out.put("verifier_only_tokens_per_second", baseline);

        long genTokens = 0;
        long genNanos = 0;
        for (int r = 0; r < repeats; r++) {
            for (int[] ids : promptIds) {
                long t0 = System.nanoTime();
                Generator.Result res = Generator.generate(models.verifierModel(), ids, maxTokens, params(temperature));
                genNanos += System.nanoTime() - t0;
                genTokens += res.ids().length;
            }
        }
        out.put("generator_tokens_per_second", genTokens / (genNanos / 1e9));

        List<Map<String, Object>> perK = new ArrayList<>();
        for (int k = 1; k <= maxK; k++) {
            long rounds = 0, committed = 0, drafted = 0, accepted = 0, time = 0;
            long[] draftedAt = new long[k];
            long[] acceptedAt = new long[k];
            for (int r = 0; r < repeats; r++) {
                for (int[] ids : promptIds) {
                    DecodeResult res = speculative.generate(new DecodeRequest(ids, maxTokens, sampling.build(), k));
                    rounds += res.rounds();
                    committed += res.ids().length;
                    drafted += res.draftedTokens();
                    accepted += res.acceptedTokens();
                    time += res.totalNanos();
                    for (int i = 0; i < res.draftedAtPosition().length && i < k; i++) {
                        draftedAt[i] += res.draftedAtPosition()[i];
                        acceptedAt[i] += res.acceptedAtPosition()[i];
                    }
                }
            }
            double[] positionRate = new double[k];
            for (int i = 0; i < k; i++) {
                positionRate[i] = draftedAt[i] == 0 ? 0 : acceptedAt[i] / (double) draftedAt[i];
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("k", k);
            row.put("rounds", rounds);
            row.put("tokens", committed);
            row.put("mean_acceptance_length", committed / (double) rounds);
            row.put("acceptance_rate", drafted == 0 ? 0 : accepted / (double) drafted);
            row.put("accepted_at_position", acceptedAt);
            row.put("drafted_at_position", draftedAt);
            row.put("acceptance_at_position", positionRate);
            double tps = committed / (time / 1e9);
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
