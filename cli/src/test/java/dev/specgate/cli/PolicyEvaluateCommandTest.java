package dev.specgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specgate.engine.PromptEntropy;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.Logits;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.engine.sampling.SamplingParams;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./specgate policy evaluate} on the shared model pair and a few of the reference prompts. */
class PolicyEvaluateCommandTest {
    private static final String DRAFT = "kjv-draft-1m-q8_0.gguf";
    private static final String VERIFIER = "kjv-verifier-14m-q8_0.gguf";
    private static final int MAX_TOKENS = 16;

    @TempDir
    static Path dir;
    private static Path prompts;
    private static Path chart;
    private static JsonNode json;

    @BeforeAll
    static void evaluate() throws Exception {
        List<String> reference = Files.readAllLines(TestModels.reference("prompts.txt"));
        prompts = Files.write(dir.resolve("prompts.txt"), reference.subList(0, 4));
        chart = dir.resolve("curve.png");
        CliRun run = run("--prompts", prompts.toString(), "--max-tokens", "" + MAX_TOKENS, "--out", chart.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        json = new ObjectMapper().readTree(run.out());
    }

    @Test
    void jsonHasTheRunThePromptsAndTheCurve() {
        for (String key : List.of("draft", "verifier", "prompts", "max_tokens", "last_tokens", "policy", "overall",
                "curve", "current", "suggested", "per_prompt", "chart")) {
            assertTrue(json.has(key), "missing " + key + " in " + json);
        }
        assertEquals("kjv-draft-1m-q8_0", json.get("draft").asText());
        assertEquals(4, json.get("prompts").asInt());
        assertEquals(PromptEntropy.DEFAULT_WINDOW_TOKENS, json.get("last_tokens").asInt());
        assertEquals("defaults", json.get("policy").asText());
        assertEquals(4, json.get("per_prompt").size());
        assertEquals(0.8, json.get("current").get("entropy_local_nats").asDouble(), "the default policy's threshold");
        assertEquals(0.9, json.get("suggested").get("min_agreement").asDouble());
    }

    @Test
    void localShareNeverFallsAsTheThresholdLoosens() {
        JsonNode curve = json.get("curve");
        assertFalse(curve.isEmpty());
        double threshold = Double.NEGATIVE_INFINITY;
        double share = 0;
        for (JsonNode point : curve) {
            assertTrue(point.get("entropy_local_nats").asDouble() > threshold, curve.toString());
            assertTrue(point.get("local_share").asDouble() >= share, curve.toString());
            assertTrue(point.get("local_prompts").asInt() >= 1, "every threshold is an observed entropy");
            threshold = point.get("entropy_local_nats").asDouble();
            share = point.get("local_share").asDouble();
        }
        JsonNode loosest = curve.get(curve.size() - 1);
        assertEquals(1.0, loosest.get("local_share").asDouble(), "at the largest entropy every prompt is local");
        assertEquals(json.get("overall").get("agreement").asDouble(), loosest.get("agreement").asDouble(), 1e-12);
    }

    @Test
    void agreementAndLogProbAreInRange() {
        List<JsonNode> verdicts = new ArrayList<>();
        json.get("curve").forEach(verdicts::add);
        json.get("per_prompt").forEach(verdicts::add);
        verdicts.add(json.get("overall"));
        for (JsonNode v : verdicts) {
            double agreement = v.get("agreement").asDouble();
            assertTrue(agreement >= 0 && agreement <= 1, v.toString());
            assertTrue(v.get("mean_logprob").asDouble() <= 0, v.toString());
        }
    }

    /** The first prompt recomputed one position at a time, without the command's batched verifier pass. */
    @Test
    void firstPromptMatchesADirectComputation() throws Exception {
        JsonNode first = json.get("per_prompt").get(0);
        Sampler greedy = new Sampler(SamplingParams.GREEDY);
        try (Model draft = Model.load(TestModels.path(DRAFT)); Model verifier = Model.load(TestModels.path(VERIFIER))) {
            int[] promptIds = draft.tokenizer().encode(first.get("prompt").asText());
            assertEquals(promptIds.length, first.get("prompt_tokens").asInt());
            assertEquals(PromptEntropy.measure(draft, promptIds, PromptEntropy.DEFAULT_WINDOW_TOKENS),
                    first.get("draft_entropy_nats").asDouble(), 1e-5);

            List<Integer> draftIds = new ArrayList<>();
            try (KVCache cache = draft.newCache()) {
                float[] logits = draft.forward(cache, promptIds);
                while (draftIds.size() < MAX_TOKENS) {
                    int next = greedy.sample(logits, new int[0]);
                    draftIds.add(next);
                    if (next == draft.tokenizer().eos()) {
                        break;
                    }
                    logits = draft.forward(cache, next);
                }
            }
            int[] expectedIds = draftIds.stream().mapToInt(Integer::intValue).toArray();
            int[] ids = new ObjectMapper().convertValue(first.get("draft_ids"), int[].class);
            assertArrayEquals(expectedIds, ids);

            int agreed = 0;
            double logProbSum = 0;
            try (KVCache cache = verifier.newCache()) {
                float[] logits = verifier.forward(cache, promptIds);
                for (int j = 0; j < ids.length; j++) {
                    agreed += greedy.sample(logits, new int[0]) == ids[j] ? 1 : 0;
                    logProbSum += Logits.logProb(logits, 0, logits.length, ids[j]); // unit-tested in engine
                    if (j + 1 < ids.length) {
                        logits = verifier.forward(cache, ids[j]);
                    }
                }
            }
            assertEquals(ids.length, first.get("scored_tokens").asInt());
            assertEquals(agreed / (double) ids.length, first.get("agreement").asDouble(), 1e-12);
            assertEquals(logProbSum / ids.length, first.get("mean_logprob").asDouble(), 1e-3);
        }
    }

    @Test
    void chartIsAPngImage() throws Exception {
        assertEquals(chart.toString(), json.get("chart").asText());
        BufferedImage image = ImageIO.read(chart.toFile());
        assertNotNull(image, "not an image: " + chart);
        assertTrue(image.getWidth() > 100 && image.getHeight() > 100);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        assertArrayEquals(signature, java.util.Arrays.copyOf(Files.readAllBytes(chart), 8));
    }

    @Test
    void textTableMarksTheCurrentThresholdOfAPolicyFile() throws Exception {
        Path policy = Files.writeString(dir.resolve("policy.yaml"),
                "thresholds:\n  entropy_local_nats: 50\n  entropy_cloud_nats: 60\n");
        CliRun run = run("--prompts", prompts.toString(), "--max-tokens", "4", "--policy", policy.toString(),
                "--min-agreement", "0", "--out", dir.resolve("text.png").toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("entropy_local_nats   local share local prompts  mean log-prob  agreement"), run.out());
        assertTrue(run.out().contains("policy (" + policy + "): entropy_local_nats 50.000, entropy_cloud_nats 60.000"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("current 50.000") && l.contains("100.0%") && l.contains("4/4")),
                run.out());
        assertTrue(run.out().contains("suggested entropy_local_nats for agreement >= 0.00: "), run.out());
        assertTrue(run.out().contains("(local share 100.0%"), "the loosest threshold wins at agreement 0: " + run.out());
        assertTrue(run.out().contains("chart: " + dir.resolve("text.png")), run.out());
        assertTrue(Files.size(dir.resolve("text.png")) > 0);
    }

    @Test
    void missingPromptFileIsAClearError() throws Exception {
        CliRun run = run("--prompts", dir.resolve("no-such-prompts.txt").toString());
        assertEquals(1, run.exitCode());
        assertEquals("specgate: prompt file " + dir.resolve("no-such-prompts.txt") + " does not exist", run.err().strip());
        assertEquals("", run.out());
    }

    @Test
    void emptyPromptFileIsAClearError() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "\n  \n");
        CliRun run = run("--prompts", empty.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("prompt file " + empty + " has no prompts"), run.err());
    }

    @Test
    void invalidPolicyFileNamesTheField() throws Exception {
        Path policy = Files.writeString(dir.resolve("bad.yaml"), "thresholds:\n  entropy_local_nats: 3\n  entropy_cloud_nats: 2\n");
        CliRun run = run("--prompts", prompts.toString(), "--policy", policy.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("policy file " + policy + ": thresholds.entropy_cloud_nats: must be > entropy_local_nats"),
                run.err());
    }

    /** Runs {@code ./specgate policy evaluate ARGS} in-process on the shared models. */
    private static CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("policy", "evaluate", "--draft", TestModels.path(DRAFT).toString(),
                "--verifier", TestModels.path(VERIFIER).toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }
}
