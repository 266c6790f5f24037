package dev.specgate.gateway.backend;

import dev.specgate.draft.DraftEngine;
import dev.specgate.engine.model.KVCache;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.decode.DraftChannel;
import dev.specgate.gateway.decode.InProcessDraftChannel;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.LongFunction;

/**
 * The draft as the backends see it, in-process or remote: the tokenizer and limits the HTTP layer needs, the
 * {@link DraftChannel} speculation proposes through, and draft-only generation (the mode, and the continuation
 * after a verifier failure).
 *
 * <p>Draft-only generation takes two routes. In-process it is {@link DraftOnlyGeneration}: one forward pass per
 * step on the shared inference pool, so every stream advances token by token and a sampled output is exactly the
 * engine's {@code Generator}'s for the same seed. Going through {@link DraftEngine#propose} instead would stream
 * k tokens at a time and pay for the proposal distributions (truncation, entropy) nobody reads. A remote draft has
 * only its channel, so there it is {@link ChannelDraftGeneration}: propose k, commit them all.
 */
public final class Draft implements AutoCloseable {
    private final String name;
    private final Tokenizer tokenizer;
    private final int contextLength;
    private final String chatTemplate;
    private final DraftChannel channel;
    private final Generator generator;
    private final AutoCloseable owned;

    /** Starts a draft-only generation after {@code prefix}; {@code readSession}: see {@link #generateAfterRead}. */
    @FunctionalInterface
    private interface Generator {
        GenerationHandle start(int[] prefix, String readSession, int maxTokens, SamplingParams sampling,
                               GenerationListener listener, GatewayMetrics metrics,
                               LongFunction<SpeculationReport> report);
    }

    private Draft(String name, Tokenizer tokenizer, int contextLength, String chatTemplate, DraftChannel channel,
                  Generator generator, AutoCloseable owned) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.contextLength = contextLength;
        this.chatTemplate = chatTemplate;
        this.channel = channel;
        this.generator = generator;
        this.owned = owned;
    }

    /** A draft model in this process; its {@link DraftEngine} (for speculation) is owned here, the model is not. */
    public static Draft inProcess(Model model, ExecutorService inference) {
        DraftEngine engine = new DraftEngine(model);
        return new Draft(model.name(), model.tokenizer(), model.config().contextLength(),
                model.gguf().metadataString("tokenizer.chat_template", null), new InProcessDraftChannel(engine),
                (prefix, readSession, maxTokens, sampling, listener, metrics, report) -> DraftOnlyGeneration.start(
                        model, inference, prefix, readCache(engine, readSession, prefix), maxTokens, sampling,
                        listener, metrics, report),
                engine);
    }

    /** The KV cache of the session that read {@code prefix}, taken over from the engine; else null (session freed). */
    private static KVCache readCache(DraftEngine engine, String readSession, int[] prefix) {
        if (readSession == null) {
            return null;
        }
        return engine.takeCache(readSession, prefix).orElseGet(() -> {
            engine.release(ReleaseRequest.newBuilder().setSessionId(readSession).build());
            return null;
        });
    }

    /**
     * A draft worker behind {@code channel} (owned here), described by its {@code info}; the gateway's own copy of
     * its tokenizer turns text into ids. {@code k} tokens are proposed per draft-only round.
     */
    public static Draft remote(DraftChannel channel, ModelInfo info, Tokenizer tokenizer, String chatTemplate,
                               int k, Executor threads) {
        int perRound = Math.max(1, Math.min(k, info.getMaxDraftTokens()));
        return new Draft(info.getModel(), tokenizer, info.getContextLength(), chatTemplate, channel,
                (prefix, readSession, maxTokens, sampling, listener, metrics, report) -> ChannelDraftGeneration.start(
                        channel, threads, info.getContextLength(), tokenizer.eos(), perRound, prefix, readSession,
                        maxTokens, sampling, listener, metrics, report),
                channel);
    }

    public String name() {
        return name;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public int contextLength() {
        return contextLength;
    }

    /** The GGUF chat template ({@code tokenizer.chat_template}), or null. */
    public String chatTemplate() {
        return chatTemplate;
    }

    /** Where speculation sends its proposals. */
    public DraftChannel channel() {
        return channel;
    }

    /** Draft-only decoding after {@code prefix}: at most {@code maxTokens}, fewer if the context fills. */
    public GenerationHandle generate(int[] prefix, int maxTokens, SamplingParams sampling, GenerationListener listener,
                                     GatewayMetrics metrics, LongFunction<SpeculationReport> report) {
        return generator.start(prefix, null, maxTokens, sampling, listener, metrics, report);
    }

    /**
     * As {@link #generate}, when the draft has already read {@code prefix} into session {@code readSession} (routing
     * measured its entropy there): decoding goes on from that session's cache instead of reading the prompt again,
     * and the session is used up either way. The output is the same as {@link #generate}'s.
     */
    public GenerationHandle generateAfterRead(int[] prefix, String readSession, int maxTokens, SamplingParams sampling,
                                              GenerationListener listener, GatewayMetrics metrics,
                                              LongFunction<SpeculationReport> report) {
        return generator.start(prefix, readSession, maxTokens, sampling, listener, metrics, report);
    }

    @Override
    public void close() {
        try {
            owned.close();
        } catch (Exception e) {
            // best effort
        }
    }
}
