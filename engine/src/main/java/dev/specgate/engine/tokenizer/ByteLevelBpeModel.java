package dev.specgate.engine.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.IntConsumer;

/**
 * Byte-level BPE (GGUF model "gpt2": GPT-2, Llama 3, Qwen2, SmolLM), as llama.cpp's {@code llm_tokenizer_bpe}:
 * the text is split into words by the {@link PreTokenizer}, each word's UTF-8 bytes are spelled with
 * {@link ByteUnicode}, and then the adjacent pair with the best (lowest) merge rank is merged until none is left.
 */
final class ByteLevelBpeModel implements TokenModel {
    private final Vocabulary vocab;
    private final PreTokenizer preTokenizer;
    private final Map<String, Integer> ids = new HashMap<>();
    /** "left right" to its rank; lower merges first. */
    private final Map<String, Integer> ranks = new HashMap<>();

    ByteLevelBpeModel(Vocabulary vocab) {
        if (vocab.merges() == null) {
            throw new IllegalArgumentException("a gpt2 (byte-level BPE) vocabulary needs tokenizer.ggml.merges");
        }
        this.vocab = vocab;
        this.preTokenizer = PreTokenizer.forName(vocab.pre());
        for (int id = 0; id < vocab.size(); id++) {
            ids.putIfAbsent(vocab.tokens()[id], id);
        }
        String[] merges = vocab.merges();
        for (int rank = 0; rank < merges.length; rank++) {
            ranks.putIfAbsent(merges[rank], rank);
        }
    }

    @Override
    public boolean addsSpacePrefix() {
        return false; // llama.cpp applies add_space_prefix to SentencePiece models only
    }

    @Override
    public void encode(String text, boolean atStart, IntConsumer out) {
        for (String word : preTokenizer.split(text)) {
            String spelled = ByteUnicode.encode(word.getBytes(StandardCharsets.UTF_8));
            Integer whole = preTokenizer.ignoreMerges() ? ids.get(spelled) : null;
            if (whole != null) {
                out.accept(whole);
            } else {
                mergeWord(spelled, out);
            }
        }
    }

    @Override
    public byte[] pieceBytes(int id) {
        return ByteUnicode.decode(vocab.tokens()[id]);
    }

    private record Pair(int rank, int left, int right, String text) {}

    private static final Comparator<Pair> BEST_FIRST =
            Comparator.comparingInt(Pair::rank).thenComparingInt(Pair::left);

    /** Merges one word; its spelling is all BMP characters (ByteUnicode's range), so chars are symbols. */
    private void mergeWord(String word, IntConsumer out) {
        int n = word.length();
        String[] symbol = new String[n]; // null once merged into the symbol on its left
        int[] next = new int[n];
        int[] prev = new int[n];
        for (int i = 0; i < n; i++) {
            symbol[i] = String.valueOf(word.charAt(i));
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Pair> queue = new PriorityQueue<>(BEST_FIRST);
        for (int i = 1; i < n; i++) {
            addPair(symbol, i - 1, i, queue);
        }
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            String l = symbol[p.left];
            String r = symbol[p.right];
            if (l == null || r == null || next[p.left] != p.right || l.length() + r.length() != p.text.length()) {
                continue; // stale: a side has been merged since
            }
            symbol[p.left] = p.text;
            symbol[p.right] = null;
            next[p.left] = next[p.right];
            if (next[p.right] >= 0) {
                prev[next[p.right]] = p.left;
            }
            if (prev[p.left] >= 0) {
                addPair(symbol, prev[p.left], p.left, queue);
            }
            if (next[p.left] >= 0) {
                addPair(symbol, p.left, next[p.left], queue);
            }
        }
        for (int i = 0; i >= 0; i = next[i]) {
            emit(symbol[i], out);
        }
    }

    private void addPair(String[] symbol, int left, int right, PriorityQueue<Pair> queue) {
        Integer rank = ranks.get(symbol[left] + " " + symbol[right]);
        if (rank != null) {
            queue.add(new Pair(rank, left, right, symbol[left] + symbol[right]));
        }
    }

    private void emit(String symbol, IntConsumer out) {
        Integer id = ids.get(symbol);
        if (id != null) {
            out.accept(id);
            return;
        }
        // A merge result missing from the vocabulary (a broken file): fall back to its single characters.
        for (int i = 0; i < symbol.length(); i++) {
            Integer c = ids.get(String.valueOf(symbol.charAt(i)));
            if (c != null) {
                out.accept(c);
            } else if (vocab.unk() >= 0) {
                out.accept(vocab.unk());
            } else {
                throw new IllegalArgumentException("byte-level BPE vocabulary has no token for '"
                        + symbol.charAt(i) + "' and no <unk>");
            }
        }
    }
}
