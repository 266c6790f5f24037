package dev.specgate.engine;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.model.SequenceInput;
import dev.specgate.engine.sampling.Logits;

import java.util.List;

/**
 * The routing signal "draft entropy" ({@code RequestSignals.draftEntropyNats} in routing-policy, compared with
 * {@code entropy_local_nats} / {@code entropy_cloud_nats}): the mean entropy, in nats, of the draft's next-token
 * distributions at the prompt's last {@code window} positions (fewer if the prompt is shorter). The last of them
 * is the distribution of the first generated token.
 *
 * <p>A caller that reads the prompt anyway asks its forward pass for {@link #rows} logit rows and passes them to
 * {@link #of}; {@link #measure} does a separate prompt pass.
 */
public final class PromptEntropy {
    /** Default window: the prompt's last 8 positions. */
    public static final int DEFAULT_WINDOW_TOKENS = 8;

    private PromptEntropy() {
    }

    /** How many logit rows (the last positions of the prompt) the signal needs. */
    public static int rows(int promptTokens, int window) {
        if (promptTokens < 1 || window < 1) {
            throw new IllegalArgumentException("prompt tokens and window must be >= 1");
        }
        return Math.min(promptTokens, window);
    }

    /** The signal from the logits of the prompt's last positions, {@code [rows x vocab]} flattened. */
    public static double of(float[] windowRows, int vocab) {
        int n = windowRows.length / vocab;
        if (n < 1 || n * vocab != windowRows.length) {
            throw new IllegalArgumentException("expected whole rows of " + vocab + " logits, got " + windowRows.length);
        }
        double sum = 0;
        for (int r = 0; r < n; r++) {
            sum += Logits.entropyNats(windowRows, r * vocab, vocab);
        }
        return sum / n;
    }

    /** Reads the prompt with a fresh cache and returns the signal. */
    public static double measure(Model draft, int[] promptIds, int window) {
        try (KVCache cache = draft.newCache()) {
            float[] rows = draft.forward(List.of(new SequenceInput(cache, promptIds, rows(promptIds.length, window))))[0];
            return of(rows, draft.config().vocabSize());
        }
    }
}
