package dev.specgate.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * SentencePiece BPE as llama.cpp's {@code llm_tokenizer_spm} runs it: spaces become "▁", the text is split into
 * characters, and the adjacent pair whose concatenation is a token with the highest score is merged, over and
 * over (ties go to the leftmost pair). Characters that are no token fall back to {@code <0xXX>} byte tokens.
 *
 * <p>Symbols live in arrays used as a doubly linked list and candidate pairs in a priority queue, so a text of
 * n characters costs O(n log n), which matters because llama.cpp runs the algorithm over the whole text at once.
 */
final class SentencePieceModel implements TokenModel {
    static final char SPACE_MARK = '\u2581';

    private final Vocabulary vocab;
    /** Tokens that merging may produce. Control, unknown and byte tokens are left out, so that typing "<s>"
     *  or "<0x41>" as plain text never yields those ids (SentencePiece does the same). */
    private final Map<String, Integer> pieces = new HashMap<>();
    private final int[] byteTokens = new int[256];

    SentencePieceModel(Vocabulary vocab) {
        this.vocab = vocab;
        Arrays.fill(byteTokens, -1);
        for (int id = 0; id < vocab.size(); id++) {
            int type = vocab.type(id);
            if (type == Vocabulary.BYTE) {
                int b = parseByteToken(vocab.tokens()[id]);
                if (b >= 0 && byteTokens[b] < 0) {
                    byteTokens[b] = id;
                }
            } else if (type == Vocabulary.NORMAL || type == Vocabulary.USER_DEFINED || type == Vocabulary.UNUSED) {
                pieces.putIfAbsent(vocab.tokens()[id], id);
            }
        }
    }

    @Override
    public boolean addsSpacePrefix() {
        return vocab.addSpacePrefix();
    }

    @Override
    public void encode(String text, boolean atStart, IntConsumer out) {
        String s = (vocab.addSpacePrefix() && atStart ? " " + text : text).replace(' ', SPACE_MARK);
        if (s.isEmpty()) {
            return;
        }
        new Session(s).run(out);
    }

    @Override
    public byte[] pieceBytes(int id) {
        if (vocab.type(id) == Vocabulary.BYTE) {
            int b = parseByteToken(vocab.tokens()[id]);
            if (b >= 0) {
                return new byte[] {(byte) b};
            }
        }
        return vocab.tokens()[id].replace(SPACE_MARK, ' ').getBytes(StandardCharsets.UTF_8);
    }

    /** The byte of a token written {@code <0xXX>}, or -1. */
    static int parseByteToken(String text) {
        if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
            try {
                return Integer.parseInt(text.substring(3, 5), 16);
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    /** A candidate merge of symbols {@code left} and {@code right}; stale once either has changed length. */
    private record Bigram(float score, int left, int right, int length) {}

    private static final Comparator<Bigram> BEST_FIRST =
            Comparator.comparingDouble((Bigram b) -> -b.score).thenComparingInt(Bigram::left);

    /** One encoding run over one text. */
    private final class Session {
        private final String text;
        private final int[] start;
        private final int[] length; // in chars; 0 once merged into the symbol on its left
        private final int[] prev;
        private final int[] next;
        private final PriorityQueue<Bigram> queue = new PriorityQueue<>(BEST_FIRST);

        Session(String text) {
            this.text = text;
            int n = text.codePointCount(0, text.length());
            start = new int[n];
            length = new int[n];
            prev = new int[n];
            next = new int[n];
            int pos = 0;
            for (int i = 0; i < n; i++) {
                int len = Character.charCount(text.codePointAt(pos));
                start[i] = pos;
                length[i] = len;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                pos += len;
            }
        }

        void run(IntConsumer out) {
            for (int i = 1; i < start.length; i++) {
                tryAddBigram(i - 1, i);
            }
            while (!queue.isEmpty()) {
                Bigram b = queue.poll();
                int l = b.left;
                int r = b.right;
                if (length[l] == 0 || length[r] == 0 || length[l] + length[r] != b.length) {
                    continue; // one side was merged elsewhere since this pair was queued
                }
                length[l] += length[r];
                length[r] = 0;
                next[l] = next[r];
                if (next[r] >= 0) {
                    prev[next[r]] = l;
                }
                tryAddBigram(prev[l], l);
                tryAddBigram(l, next[l]);
            }
            for (int i = 0; i >= 0; i = next[i]) {
                emit(text.substring(start[i], start[i] + length[i]), out);
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            int len = length[left] + length[right];
            Integer id = pieces.get(text.substring(start[left], start[left] + len));
            if (id != null) {
                queue.add(new Bigram(vocab.score(id), left, right, len));
            }
        }
    }

    private void emit(String symbol, IntConsumer out) {
        Integer id = pieces.get(symbol);
        if (id != null) {
            out.accept(id);
            return;
        }
        // Only single characters can be missing (merges only produce tokens): byte fallback, else <unk>.
        byte[] bytes = symbol.getBytes(StandardCharsets.UTF_8);
        boolean allBytes = true;
        for (byte b : bytes) {
            allBytes &= byteTokens[b & 0xFF] >= 0;
        }
        if (allBytes) {
            for (byte b : bytes) {
                out.accept(byteTokens[b & 0xFF]);
            }
        } else if (vocab.unk() >= 0) {
            out.accept(vocab.unk());
        } else {
            throw new IllegalArgumentException("cannot encode " + symbol.codePoints().mapToObj(c -> "U+"
                    + Integer.toHexString(c).toUpperCase()).toList() + ": no such token, no byte tokens, no <unk>");
        }
    }
}
