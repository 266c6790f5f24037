package dev.specgate.gateway.text;

import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assembler on the real tokenizer: whole characters only, stop sequences caught across tokens. */
class TextAssemblerTest {
    private static Model model;
    private static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.path("kjv-draft-1m-q8_0.gguf"));
        tokenizer = model.tokenizer();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] ids(String text) {
        return tokenizer.encode(text, false, false);
    }

    /** What a fresh incremental decoder makes of the ids: the gateway's text (a leading SentencePiece space kept). */
    private static String streamed(int[] ids) {
        var decoder = tokenizer.newDecoder();
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(decoder.push(id));
        }
        return out.toString();
    }

    private static List<String> pushAll(TextAssembler a, int[] ids) {
        List<String> chunks = new ArrayList<>();
        for (int id : ids) {
            chunks.add(a.push(id));
        }
        chunks.add(a.finishAtLength());
        return chunks;
    }

    @Test
    void multiByteTextComesOutInWholeCharacters() {
        String text = "héllo wörld — 光 ✓ 🙂 end";
        int[] ids = ids(text);
        List<String> chunks = pushAll(new TextAssembler(tokenizer, List.of()), ids);
        StringBuilder joined = new StringBuilder();
        for (String c : chunks) {
            assertFalse(c.contains("\uFFFD"), "no replacement character in " + c);
            assertFalse(!c.isEmpty() && Character.isLowSurrogate(c.charAt(0)), "no split surrogate pair");
            joined.append(c);
        }
        assertEquals(streamed(ids), joined.toString());
        assertEquals(tokenizer.decode(ids).strip(), joined.toString().strip());
    }

    @Test
    void stopSequenceSplitOverTokensIsHeldBackAndRemoved() {
        String text = "And God said, Let there be light: and there was light.";
        int[] ids = ids(text);
        TextAssembler a = new TextAssembler(tokenizer, List.of("be light"));
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            String chunk = a.push(id);
            assertFalse(chunk.contains("be"), "held back while it could still become the stop: " + chunk);
            out.append(chunk);
            if (a.finished()) {
                break;
            }
        }
        assertTrue(a.finished());
        assertEquals("stop", a.finishReason());
        assertEquals(streamed(ids).substring(0, streamed(ids).indexOf("be light")), out.toString());
    }

    @Test
    void heldTailIsReleasedWhenTheStopNeverCompletes() {
        int[] ids = ids("and there was light");
        TextAssembler a = new TextAssembler(tokenizer, List.of("light!"));
        String joined = String.join("", pushAll(a, ids));
        assertEquals(streamed(ids), joined);
        assertEquals("length", a.finishReason());
    }

    @Test
    void chatTemplatesAreDetected() {
        assertEquals(ChatTemplate.CHATML, ChatTemplate.detect("{% for m in messages %}<|im_start|>{{m.role}}"));
        assertEquals(ChatTemplate.LLAMA3, ChatTemplate.detect("<|start_header_id|>{{ role }}<|end_header_id|>"));
        assertEquals(ChatTemplate.LLAMA2, ChatTemplate.detect("{{ bos_token + '[INST] ' + content + ' [/INST]' }}"));
        assertEquals(ChatTemplate.PLAIN, ChatTemplate.detect(null));
        List<ChatMessage> messages = List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"));
        assertEquals("System: Be brief.\n\nUser: Hi\n\nAssistant:", ChatTemplate.PLAIN.text(messages));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplate.CHATML.text(messages));
        assertEquals("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]", ChatTemplate.LLAMA2.text(messages));
    }
}
