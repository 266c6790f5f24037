package dev.specgate.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.sampling.SamplingParams;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The engine reproduces an independent float64 implementation on every shared model: tokenization, greedy
 * continuation (up to the reference's first near-tie) and the top-5 log-probabilities of the first steps.
 */
class ReferenceOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double LOGPROB_TOLERANCE = 1e-3;

    @TestFactory
    Stream<DynamicTest> everyModelReproducesItsReference() throws IOException {
        Path refDir = TestModels.referenceDir();
        List<Path> refs;
        try (Stream<Path> files = Files.list(refDir)) {
            refs = files.filter(p -> p.toString().endsWith(".ref.json")).sorted().toList();
        }
        assertFalse(refs.isEmpty(), "no reference files in " + refDir);
        return refs.stream().map(ref -> DynamicTest.dynamicTest(ref.getFileName().toString(), () -> check(ref)));
    }

    private void check(Path refFile) throws IOException {
        JsonNode ref = JSON.readTree(refFile.toFile());
        String modelFile = ref.get("model").asText();
        try (Model model = Model.load(TestModels.path(modelFile))) {
            List<String> failures = new ArrayList<>();
            for (JsonNode prompt : ref.get("results")) {
                String text = prompt.get("prompt").asText();
                int[] expectedPrompt = ints(prompt.get("prompt_ids"));
                int[] promptIds = model.tokenizer().encode(text);
                assertArrayEquals(expectedPrompt, promptIds, "prompt ids of \"" + text + "\"");

                int[] expected = ints(prompt.get("greedy_ids"));
                int exact = prompt.get("exact_prefix").asInt();
                int[] ids = Generator.generate(model, promptIds, expected.length, SamplingParams.GREEDY).ids();
                if (!Arrays.equals(Arrays.copyOf(expected, exact), Arrays.copyOf(ids, Math.min(exact, ids.length)))) {
                    failures.add("\"" + text + "\": greedy ids " + Arrays.toString(ids) + ", expected (first "
                            + exact + ") " + Arrays.toString(expected));
                }
                checkTopLogprobs(model, promptIds, expected, prompt.get("top5_logprobs_first_steps"), text, failures);
            }
            assertEquals(List.of(), failures);
        }
    }

    /** Feeds the reference's own greedy tokens, so each step is compared on the same context. */
    private void checkTopLogprobs(Model model, int[] promptIds, int[] greedy, JsonNode steps, String text,
                                  List<String> failures) {
        try (KVCache cache = model.newCache()) {
            float[] logits = model.forward(cache, promptIds);
            for (int step = 0; step < steps.size(); step++) {
                double[] logprobs = logSoftmax(logits);
                for (JsonNode entry : steps.get(step)) {
                    int id = entry.get(0).asInt();
                    double want = entry.get(1).asDouble();
                    if (Math.abs(logprobs[id] - want) > LOGPROB_TOLERANCE) {
                        failures.add("\"" + text + "\" step " + step + " token " + id + ": logprob " + logprobs[id]
                                + ", reference " + want);
                    }
                }
                if (step + 1 < steps.size()) {
                    logits = model.forward(cache, greedy[step]);
                }
            }
        }
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double logZ = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - logZ;
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
