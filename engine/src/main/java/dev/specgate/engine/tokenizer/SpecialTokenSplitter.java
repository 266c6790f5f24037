package dev.specgate.engine.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds special tokens written in text (chat markers such as {@code <|im_start|>}, {@code <s>}) so they become
 * their ids instead of being spelled out. As in llama.cpp, user-defined tokens are always recognised, control
 * and unknown tokens only when the caller asks for it. At each position the longest matching token wins.
 */
final class SpecialTokenSplitter {

    /** A piece of input: either plain text ({@code token == -1}) or one special token. */
    record Fragment(String text, int token) {
        boolean isToken() {
            return token >= 0;
        }
    }

    /** Special token ids by their first character, longest text first. */
    private final Map<Character, List<Integer>> byFirstChar = new HashMap<>();
    private final Vocabulary vocab;

    SpecialTokenSplitter(Vocabulary vocab) {
        this.vocab = vocab;
        for (int id = 0; id < vocab.size(); id++) {
            int type = vocab.type(id);
            String text = vocab.tokens()[id];
            if (!text.isEmpty() && (type == Vocabulary.CONTROL || type == Vocabulary.UNKNOWN
                    || type == Vocabulary.USER_DEFINED)) {
                byFirstChar.computeIfAbsent(text.charAt(0), c -> new ArrayList<>()).add(id);
            }
        }
        Comparator<Integer> longestFirst = Comparator.comparingInt((Integer id) -> -vocab.tokens()[id].length());
        byFirstChar.values().forEach(ids -> ids.sort(longestFirst.thenComparingInt(id -> id)));
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> out = new ArrayList<>();
        if (byFirstChar.isEmpty()) {
            if (!text.isEmpty()) {
                out.add(new Fragment(text, -1));
            }
            return out;
        }
        int rawStart = 0;
        int i = 0;
        while (i < text.length()) {
            int id = match(text, i, parseSpecial);
            if (id < 0) {
                i++;
                continue;
            }
            if (i > rawStart) {
                out.add(new Fragment(text.substring(rawStart, i), -1));
            }
            out.add(new Fragment(vocab.tokens()[id], id));
            i += vocab.tokens()[id].length();
            rawStart = i;
        }
        if (rawStart < text.length()) {
            out.add(new Fragment(text.substring(rawStart), -1));
        }
        return out;
    }

    private int match(String text, int at, boolean parseSpecial) {
        List<Integer> candidates = byFirstChar.get(text.charAt(at));
        if (candidates == null) {
            return -1;
        }
        for (int id : candidates) {
            if ((parseSpecial || vocab.type(id) == Vocabulary.USER_DEFINED) && text.startsWith(vocab.tokens()[id], at)) {
                return id;
            }
        }
        return -1;
    }
}
