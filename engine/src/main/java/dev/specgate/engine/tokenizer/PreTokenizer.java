package dev.specgate.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, with the regular expressions llama.cpp picks for
 * {@code tokenizer.ggml.pre}. Like llama.cpp, a pre-tokenizer may be several expressions in turn: each one splits
 * the pieces left by the previous one, and text between matches stays a piece of its own.
 */
final class PreTokenizer {
    // The contractions are spelled out case by case (as llama.cpp does) rather than with (?i:...), which under
    // Unicode case folding would also match e.g. the long s "ſ" and the Kelvin sign.
    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";
    static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private final String name;
    private final List<Pattern> stages;
    private final boolean ignoreMerges;

    private PreTokenizer(String name, boolean ignoreMerges, String... regexes) {
        this.name = name;
        this.ignoreMerges = ignoreMerges;
        this.stages = new ArrayList<>();
        for (String r : regexes) {
            // \s must mean Unicode white space, as in the tokenizers these come from.
            stages.add(Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS));
        }
    }

    /** The pre-tokenizer for a {@code tokenizer.ggml.pre} value; null or "default" means GPT-2's. */
    static PreTokenizer forName(String pre) {
        String p = pre == null ? "default" : pre;
        return switch (p) {
            // Llama 3 vocabularies hold whole words, so llama.cpp looks a word up before merging.
            case "llama3", "llama-v3", "llama-bpe", "falcon3" -> new PreTokenizer(p, true, LLAMA3);
            case "qwen2", "deepseek-r1-qwen" -> new PreTokenizer(p, false, QWEN2);
            // SmolLM first splits every digit off, then applies GPT-2's expression.
            case "smollm", "starcoder", "refact" -> new PreTokenizer(p, false, "\\p{N}", GPT2);
            case "default", "gpt2", "gpt-2", "phi-2" -> new PreTokenizer(p, false, GPT2);
            default -> throw new IllegalArgumentException("unsupported tokenizer.ggml.pre '" + p
                    + "' (supported: llama-bpe/llama3, qwen2, smollm, gpt2/default)");
        };
    }

    String name() {
        return name;
    }

    /** Whether a word that is itself a token is emitted as is, without merging (llama.cpp's ignore_merges). */
    boolean ignoreMerges() {
        return ignoreMerges;
    }

    List<String> split(String text) {
        List<String> pieces = List.of(text);
        for (Pattern stage : stages) {
            List<String> next = new ArrayList<>();
            for (String piece : pieces) {
                split(stage, piece, next);
            }
            pieces = next;
        }
        return pieces;
    }

    private static void split(Pattern pattern, String text, List<String> out) {
        Matcher m = pattern.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.add(text.substring(last, m.start()));
            }
            if (m.end() > m.start()) {
                out.add(m.group());
            }
            last = m.end();
        }
        if (last < text.length()) {
            out.add(text.substring(last));
        }
    }
}
