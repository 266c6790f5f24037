package dev.specgate.gateway.backend;

import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.Sampler;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.metrics.GatewayMetrics;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;

/**
 * Plain autoregressive decoding on the in-process draft model: the draft-only mode, and the continuation after a
 * verifier failure (then {@code prefix} is the prompt plus every token already committed).
 *
 * <p>Each step computes one token and resubmits itself to the executor, so many generations share a few
 * inference threads fairly (every stream advances) and a cancelled one stops within a token.
 */
public final class DraftOnlyGeneration implements GenerationHandle {
    private final Model model;
    private final Executor executor;
    private final int[] history;
    private final int prefixLength;
    private final int limit;
    private final Sampler sampler;
    private final GenerationListener listener;
    private final GatewayMetrics metrics;
    /** Builds the final report from the number of tokens this generation produced. */
    private final LongFunction<SpeculationReport> report;
    private volatile boolean cancelled;
    private KVCache cache;
    private float[] logits;
    private int produced;

    private DraftOnlyGeneration(Model model, Executor executor, int[] prefix, KVCache readCache, int maxTokens,
                                SamplingParams sampling, GenerationListener listener, GatewayMetrics metrics,
                                LongFunction<SpeculationReport> report) {
        this.model = model;
        this.cache = readCache;
        this.executor = executor;
        this.prefixLength = prefix.length;
        int room = model.config().contextLength() - prefix.length;
        this.limit = Math.max(0, Math.min(maxTokens, room));
        this.history = Arrays.copyOf(prefix, prefix.length + limit);
        this.sampler = new Sampler(sampling);
        this.listener = listener;
        this.metrics = metrics;
        this.report = report;
    }

    /**
     * Starts decoding after {@code prefix}; at most {@code maxTokens} tokens, fewer if the context fills.
     *
     * @param readCache a cache holding exactly {@code prefix} (read for routing), now owned here; null to read it
     */
    public static DraftOnlyGeneration start(Model model, Executor executor, int[] prefix, KVCache readCache,
                                            int maxTokens, SamplingParams sampling, GenerationListener listener,
                                            GatewayMetrics metrics, LongFunction<SpeculationReport> report) {
        DraftOnlyGeneration generation = new DraftOnlyGeneration(model, executor, prefix, readCache, maxTokens,
                sampling, listener, metrics, report);
        executor.execute(generation::step);
        return generation;
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    private void step() {
        try {
            if (cancelled || produced >= limit) {
                finish();
                return;
            }
            InferenceGuard.check();
            if (logits == null) {
                logits = readPrefix();
            }
            int next = sampler.sample(logits, Arrays.copyOf(history, prefixLength + produced));
            history[prefixLength + produced++] = next;
            metrics.generated("draft-only", 1);
            listener.onTokens(new int[] {next});
            if (next == model.tokenizer().eos() || produced >= limit || cancelled) {
                finish();
                return;
            }
            logits = model.forward(cache, next);
            executor.execute(this::step);
        } catch (Throwable t) {
            closeCache();
            listener.onError(t);
        }
    }

    /** The next-token logits after the prefix, from the cache that already holds it or by reading it. */
    private float[] readPrefix() {
        if (cache != null) {
            // Read for routing already: feeding its last token again gives the same logits as reading it all.
            cache.truncate(prefixLength - 1);
            return model.forward(cache, history[prefixLength - 1]);
        }
        cache = model.newCache();
        return model.forward(cache, Arrays.copyOf(history, prefixLength));
    }

    private void finish() {
        closeCache();
        listener.onComplete(report.apply(produced));
    }

    private void closeCache() {
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }
}
