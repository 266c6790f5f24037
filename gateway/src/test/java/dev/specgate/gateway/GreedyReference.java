package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.engine.tokenizer.TokenDecoder;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shared draft and verifier models and what a gateway must answer with them for one greedy prompt: request
 * bodies, the verifier's and the draft's own greedy text, and the check of a stream that fell back to the draft.
 */
final class GreedyReference implements AutoCloseable {
    static final String PROMPT = "And God said";

    final Model verifierModel;
    final Model draftModel;

    private GreedyReference(Model verifierModel, Model draftModel) {
        this.verifierModel = verifierModel;
        this.draftModel = draftModel;
    }

    static GreedyReference load() throws IOException {
        Model verifier = Model.load(TestModels.path(TestGateway.VERIFIER));
        try {
            return new GreedyReference(verifier, Model.load(TestModels.path(TestGateway.DRAFT)));
        } catch (IOException | RuntimeException e) {
            verifier.close();
            throw e;
        }
    }

    /** A greedy completion request for {@link #PROMPT}; {@code mode} forces a decode mode when not null. */
    static String body(Gateway g, int maxTokens, String mode, boolean stream) {
        return "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"" + PROMPT + "\",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0" + (mode == null ? "" : ",\"specgate_mode\":\"" + mode + "\"")
                + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
    }

    int[] prompt() {
        return verifierModel.tokenizer().encode(PROMPT);
    }

    /** The verifier's greedy token ids after the prompt. */
    int[] verifierIds(int maxTokens) {
        return Generator.generate(verifierModel, prompt(), maxTokens, SamplingParams.GREEDY).ids();
    }

    /** The verifier's greedy text, as the gateway returns it. */
    String verifierText(int maxTokens) {
        return decode(verifierIds(maxTokens));
    }

    /** The draft's greedy text, as the gateway returns it in draft-only mode. */
    String draftText(int maxTokens) {
        return decode(Generator.generate(draftModel, prompt(), maxTokens, SamplingParams.GREEDY).ids());
    }

    /** Text of {@code ids} without control tokens, as the gateway streams it. */
    String decode(int[] ids) {
        TokenDecoder d = verifierModel.tokenizer().newDecoder();
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            if (!verifierModel.tokenizer().isControl(id)) {
                out.append(d.push(id));
            }
        }
        return out.toString();
    }

    /** The text is the verifier's first j tokens followed by the draft's greedy continuation, for some j. */
    /**
     * Every stream of a verifier outage completed without an error: either the verifier's greedy text, or (reported
     * as a fallback) the verifier's tokens up to the cut-over followed by a valid draft continuation.
     *
     * @return how many streams fell back
     */
    int assertEachVerifiedOrValidFallback(List<Http.Stream> streams, int maxTokens) {
        int[] verifierRef = verifierIds(maxTokens);
        int fallbacks = 0;
        for (Http.Stream s : streams) {
            assertEquals(200, s.status());
            assertNull(s.error(), "no error event");
            assertTrue(s.endsWithDone());
            JsonNode usage = s.usage();
            JsonNode report = usage.get("specgate");
            if (report.get("fallback").asBoolean()) {
                fallbacks++;
                assertEquals("draft-only", report.get("mode").asText());
                assertValidFallback(verifierRef, s.text(), usage.get("completion_tokens").asInt());
            } else {
                assertEquals(decode(verifierRef), s.text());
            }
        }
        return fallbacks;
    }

    void assertValidFallback(int[] verifierRef, String text, int completionTokens) {
        int[] prompt = prompt();
        for (int j = verifierRef.length; j >= 0; j--) {
            int[] head = Arrays.copyOf(verifierRef, j);
            if (!text.startsWith(decode(head))) {
                continue;
            }
            int[] prefix = Arrays.copyOf(prompt, prompt.length + j);
            System.arraycopy(head, 0, prefix, prompt.length, j);
            int remaining = completionTokens - j;
            if (remaining <= 0) {
                continue;
            }
            int[] tail = Generator.generate(draftModel, prefix, remaining, SamplingParams.GREEDY).ids();
            int[] all = Arrays.copyOf(head, j + tail.length);
            System.arraycopy(tail, 0, all, j, tail.length);
            if (decode(all).equals(text)) {
                return;
            }
        }
        fail("text is not a verifier prefix plus a draft continuation: " + text);
    }

    @Override
    public void close() {
        verifierModel.close();
        draftModel.close();
    }
}
