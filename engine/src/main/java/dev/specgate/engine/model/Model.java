package dev.specgate.engine.model;

import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.tensor.AttentionMath;
import dev.specgate.engine.tensor.Parallel;
import dev.specgate.engine.tensor.WeightMatrix;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.engine.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Llama-family transformer (llama, qwen2) with a batched multi-token forward pass.
 *
 * <p>One {@link #forward} call takes several sequences, each with its own KV cache and 1..T new tokens, stacks
 * all their rows and runs every weight matrix once over the whole stack: that is what lets a verifier check
 * k draft tokens of many sessions for about the price of one decode step. Only attention is per sequence.
 * The model is immutable after loading; concurrent calls with different caches are safe.
 */
public final class Model implements AutoCloseable {
    private final GGUFFile gguf;
    private final ModelConfig config;
    private final ModelWeights weights;
    private final Tokenizer tokenizer;
    private final String name;

    private Model(GGUFFile gguf) {
        this.gguf = gguf;
        this.config = ModelConfig.fromGGUF(gguf);
        this.weights = ModelWeights.load(gguf, config);
        this.tokenizer = Tokenizers.fromGGUF(gguf);
        String fileName = gguf.path().getFileName().toString();
        this.name = fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName;
    }

    /** Maps a GGUF file and prepares the model; fails with a clear message for unsupported files. */
    public static Model load(Path path) throws IOException {
        GGUFFile gguf = GGUFFile.open(path);
        try {
            return new Model(gguf);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** The file name without {@code .gguf}: how APIs name this model. */
    public String name() {
        return name;
    }

    public GGUFFile gguf() {
        return gguf;
    }

    /** Bytes of weights read per forward pass: what bounds decode speed by memory bandwidth. */
    public long weightBytes() {
        return gguf.tensors().values().stream().mapToLong(t -> t.byteSize()).sum();
    }

    /** A cache for the full context, with no memory limit. */
    public KVCache newCache() {
        return newCache(config.contextLength(), MemoryBudget.unlimited());
    }

    public KVCache newCache(int capacity, MemoryBudget budget) {
        return new KVCache(config, capacity, budget);
    }

    /** Single-sequence convenience: appends {@code tokens} and returns the logits of the last position. */
    public float[] forward(KVCache cache, int... tokens) {
        return forward(List.of(SequenceInput.lastLogits(cache, tokens)))[0];
    }

    /**
     * Appends each sequence's tokens to its cache and returns, per sequence, the logits asked for:
     * {@code [rows x vocab]} flattened, rows being every new position or only the last.
     */
    public float[][] forward(List<SequenceInput> batch) {
        final int dim = config.dim();
        final int qDim = config.qDim();
        final int kvDim = config.kvDim();
        final int hidden = config.hiddenDim();

        // Which sequence and position each stacked row belongs to.
        int n = 0;
        for (SequenceInput s : batch) {
            for (int token : s.tokens()) {
                if (token < 0 || token >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, "
                            + config.vocabSize() + ")");
                }
            }
            n += s.tokens().length;
        }
        java.util.Set<KVCache> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (SequenceInput s : batch) {
            if (!seen.add(s.cache())) {
                throw new IllegalArgumentException("a KV cache appears twice in one forward pass");
            }
            s.cache().reserve(s.tokens().length);
        }
        final int rows = n;
        final KVCache[] rowCache = new KVCache[rows];
        final int[] rowPos = new int[rows];
        float[] x = new float[rows * dim];
        int r = 0;
        for (SequenceInput s : batch) {
            for (int t = 0; t < s.tokens().length; t++, r++) {
                rowCache[r] = s.cache();
                rowPos[r] = s.cache().length() + t;
                weights.tokenEmbedding().dequantizeRow(s.tokens()[t], x, r * dim);
            }
        }

        // RoPE's rotation of each row's position, shared by every layer and head.
        final int half = config.ropeDim() / 2;
        float[] ropeCos = new float[rows * half];
        float[] ropeSin = new float[rows * half];
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < half; i++) {
                double angle = rowPos[row] * (double) weights.ropeInvFreq()[i];
                ropeCos[row * half + i] = (float) Math.cos(angle);
                ropeSin[row * half + i] = (float) Math.sin(angle);
            }
        }

        float[] xb = new float[rows * dim];
        float[] xb2 = new float[rows * dim];
        float[] q = new float[rows * qDim];
        float[] k = new float[rows * kvDim];
        float[] v = new float[rows * kvDim];
        float[] att = new float[rows * qDim];
        float[] hb = new float[rows * hidden];
        float[] hb2 = new float[rows * hidden];

        for (int l = 0; l < config.nLayers(); l++) {
            LayerWeights w = weights.layers()[l];

            // Attention block: x += Wo · attention(rope(Wq·xb), rope(Wk·xb), Wv·xb), xb = rmsnorm(x).
            rmsnorm(xb, x, w.attnNorm(), rows);
            WeightMatrix.matmuls(xb, rows, new WeightMatrix[] {w.wq(), w.wk(), w.wv()}, new float[][] {q, k, v});
            if (config.qkvBias()) {
                addBias(q, w.bq(), rows);
                addBias(k, w.bk(), rows);
                addBias(v, w.bv(), rows);
            }
            for (int row = 0; row < rows; row++) {
                rope(q, row * qDim, config.nHeads(), ropeCos, ropeSin, row * half);
                rope(k, row * kvDim, config.nKvHeads(), ropeCos, ropeSin, row * half);
                // Store first, attend after: later rows of a sequence see earlier rows of the same call.
                System.arraycopy(k, row * kvDim, rowCache[row].keys(l), rowPos[row] * kvDim, kvDim);
                System.arraycopy(v, row * kvDim, rowCache[row].values(l), rowPos[row] * kvDim, kvDim);
            }
            attention(l, q, att, rowCache, rowPos);
            w.wo().matmul(att, rows, xb2);
            addInPlace(x, xb2);

            // Feed-forward block (SwiGLU): x += Wdown · (silu(Wgate·xb) * (Wup·xb)), xb = rmsnorm(x).
            rmsnorm(xb, x, w.ffnNorm(), rows);
            WeightMatrix.swiglu(w.wGate(), w.wUp(), xb, rows, hb, hb2);
            w.wDown().matmul(hb, rows, xb2);
            addInPlace(x, xb2);
        }

        for (SequenceInput s : batch) {
            s.cache().advance(s.tokens().length);
        }
        float[][] logits = logits(batch, x);
        Parallel.rest();
        return logits;
    }

    /** Final norm and output projection, only for the rows whose logits were asked for. */
    private float[][] logits(List<SequenceInput> batch, float[] x) {
        final int dim = config.dim();
        final int vocab = config.vocabSize();
        int wanted = batch.stream().mapToInt(SequenceInput::logitRows).sum();
        float[] selected = new float[wanted * dim];
        int src = 0;
        int dst = 0;
        for (SequenceInput s : batch) {
            int t = s.tokens().length;
            int first = src + t - s.logitRows();
            System.arraycopy(x, first * dim, selected, dst * dim, s.logitRows() * dim);
            src += t;
            dst += s.logitRows();
        }
        float[] normed = new float[wanted * dim];
        rmsnorm(normed, selected, weights.outputNorm(), wanted);
        float[] all = new float[wanted * vocab];
        weights.output().matmul(normed, wanted, all);

        float[][] result = new float[batch.size()][];
        int row = 0;
        for (int i = 0; i < batch.size(); i++) {
            int count = batch.get(i).logitRows();
            result[i] = java.util.Arrays.copyOfRange(all, row * vocab, (row + count) * vocab);
            row += count;
        }
        return result;
    }

    /**
     * Causal multi-head attention with grouped-query heads, one task per (row, head). Row r attends to
     * positions 0..rowPos[r] of its own sequence's cache.
     */
    private void attention(int layer, float[] q, float[] out, KVCache[] rowCache, int[] rowPos) {
        final int nHeads = config.nHeads();
        final int headDim = config.headDim();
        final int kvDim = config.kvDim();
        final int qDim = config.qDim();
        final int headsPerKv = nHeads / config.nKvHeads();
        final float scale = (float) (1.0 / Math.sqrt(headDim));
        int tasks = rowPos.length * nHeads;
        Parallel.forRange(tasks, 1, (start, end) -> {
            float[] scores = AttentionMath.scratch(config.contextLength());
            for (int task = start; task < end; task++) {
                int row = task / nHeads;
                int h = task % nHeads;
                int positions = rowPos[row] + 1;
                int qOff = row * qDim + h * headDim;
                int kvOff = (h / headsPerKv) * headDim;
                AttentionMath.scores(q, qOff, rowCache[row].keys(layer), kvOff, kvDim, headDim, positions, scale, scores);
                AttentionMath.softmax(scores, positions);
                AttentionMath.mix(scores, positions, rowCache[row].values(layer), kvOff, kvDim, headDim, out, qOff);
            }
        });
    }

    /**
     * Rotates each head's first ropeDim dims by the angles of one position, whose cos and sin are at
     * {@code cos[at ..]} and {@code sin[at ..]} (adjacent pairs, or NeoX halves).
     */
    private void rope(float[] vec, int offset, int heads, float[] cos, float[] sin, int at) {
        final int headDim = config.headDim();
        final int half = config.ropeDim() / 2;
        for (int h = 0; h < heads; h++) {
            int base = offset + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = config.neoxRope() ? base + i : base + 2 * i;
                int b = config.neoxRope() ? base + i + half : base + 2 * i + 1;
                float x0 = vec[a];
                float x1 = vec[b];
                vec[a] = x0 * cos[at + i] - x1 * sin[at + i];
                vec[b] = x0 * sin[at + i] + x1 * cos[at + i];
            }
        }
    }

    private void rmsnorm(float[] out, float[] in, float[] weight, int rows) {
        final int dim = config.dim();
        for (int row = 0; row < rows; row++) {
            int off = row * dim;
            double ss = 0;
            for (int i = 0; i < dim; i++) {
                ss += in[off + i] * in[off + i];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / dim + config.rmsEps()));
            for (int i = 0; i < dim; i++) {
                out[off + i] = in[off + i] * inv * weight[i];
            }
        }
    }

    private static void addBias(float[] m, float[] bias, int rows) {
        int width = bias.length;
        for (int row = 0; row < rows; row++) {
            for (int i = 0; i < width; i++) {
                m[row * width + i] += bias[i];
            }
        }
    }

    private static void addInPlace(float[] acc, float[] delta) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += delta[i];
        }
    }

    @Override
    public void close() {
        gguf.close();
    }
}
