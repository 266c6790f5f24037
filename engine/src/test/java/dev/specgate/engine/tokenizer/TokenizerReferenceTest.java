package dev.specgate.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.gguf.GGUFFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real models' tokenizers against the SentencePiece library's own output (shared/reference). */
class TokenizerReferenceTest {
    static final String[] KJV = {"kjv-draft-1m-f32.gguf", "kjv-draft-1m-q8_0.gguf", "kjv-verifier-14m-f32.gguf",
            "kjv-verifier-14m-q8_0.gguf", "kjv-verifier-14m-q4_0.gguf"};

    static Tokenizer load(String model) throws IOException {
        try (GGUFFile gguf = GGUFFile.open(TestModels.path(model))) {
            return Tokenizers.fromGGUF(gguf); // metadata is copied to the heap, so closing is fine
        }
    }

    private static JsonNode reference(String model) throws IOException {
        Path ref = TestModels.reference(model.replace(".gguf", ".ref.json"));
        return new ObjectMapper().readTree(ref.toFile());
    }

    private static int[] ints(JsonNode array) {
        int[] a = new int[array.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = array.get(i).asInt();
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"kjv-draft-1m-f32.gguf", "kjv-draft-1m-q8_0.gguf", "kjv-verifier-14m-f32.gguf",
            "kjv-verifier-14m-q8_0.gguf", "kjv-verifier-14m-q4_0.gguf"})
    void promptIdsAndGreedyTextMatchSentencePiece(String model) throws IOException {
        Tokenizer tok = load(model);
        JsonNode results = reference(model).get("results");
        List<String> prompts = Files.readAllLines(TestModels.referenceDir().resolve("prompts.txt")).stream()
                .filter(s -> !s.isEmpty()).toList();
        assertEquals(prompts.size(), results.size(), "one result per prompt in prompts.txt");
        for (JsonNode r : results) {
            String prompt = r.get("prompt").asText();
            assertTrue(prompts.contains(prompt), prompt);
            int[] expected = ints(r.get("prompt_ids"));
            assertArrayEquals(expected, tok.encode(prompt), model + ": " + prompt);
            assertEquals(prompt, tok.decode(expected), "prompt round trip");
            assertEquals(r.get("greedy_text").asText(), tok.decode(ints(r.get("greedy_ids"))), model + ": " + prompt);
        }
    }

    @Test
    void kjvFilesShareOneFingerprint() throws IOException {
        String first = load(KJV[0]).fingerprint();
        assertEquals(64, first.length());
        for (String model : KJV) {
            assertEquals(first, load(model).fingerprint(), model);
        }
        assertFalse(first.equals(load("stories260K.gguf").fingerprint()));
    }

    @Test
    void kjvMetadata() throws IOException {
        Tokenizer tok = load(KJV[0]);
        assertEquals(4096, tok.vocabSize());
        assertEquals(1, tok.bos());
        assertEquals(2, tok.eos());
        assertTrue(tok.isControl(1) && tok.isControl(2) && !tok.isControl(0) && !tok.isControl(261));
        assertEquals("\u2581the", tok.tokenText(261));
        assertArrayEquals(" the".getBytes(), tok.tokenBytes(261));
        assertEquals(0, tok.tokenBytes(2).length, "EOS is not text");
        assertArrayEquals(new byte[] {0x41}, tok.tokenBytes(3 + 0x41), "<0x41>");
    }

    @Test
    void storiesAddsBos() throws IOException {
        Tokenizer tok = load("stories260K.gguf");
        assertEquals(512, tok.vocabSize());
        int[] ids = tok.encode("Once upon a time, there was a little girl.");
        assertEquals(1, ids[0], "add_bos_token is true");
        assertEquals(1, count(ids, 1), "one BOS only");
        assertEquals("Once upon a time, there was a little girl.", tok.decode(ids));
        assertArrayEquals(new int[] {1}, tok.encode(""), "empty text is just BOS");
        assertArrayEquals(new int[0], tok.encode("", false, false));
        int[] plain = tok.encode("Once upon a time", false, false);
        assertEquals(ids[1], plain[0], "same tokens after the BOS");
        // A small vocabulary still covers anything through byte fallback.
        String odd = "Zoë’s 猫 🐱";
        assertEquals(odd, tok.decode(tok.encode(odd)));
    }

    private static int count(int[] ids, int id) {
        int n = 0;
        for (int i : ids) {
            n += i == id ? 1 : 0;
        }
        return n;
    }
}
