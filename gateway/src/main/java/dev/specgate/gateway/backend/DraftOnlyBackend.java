package dev.specgate.gateway.backend;

import dev.specgate.engine.model.Model;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.DecodeMode;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.metrics.GatewayMetrics;

import java.util.concurrent.ExecutorService;

/**
 * A backend with only the in-process draft model. Requests that want the verifier (speculative, verifier-only)
 * are answered by the draft with {@code fallback: true}: the gateway answers rather than fails.
 */
public final class DraftOnlyBackend implements CompletionBackend {
    private final Model draft;
    private final ExecutorService executor;
    private final GatewayMetrics metrics;
    private final DecodeMode defaultMode;

    public DraftOnlyBackend(Model draft, ExecutorService executor, GatewayMetrics metrics, DecodeMode defaultMode) {
        this.draft = draft;
        this.executor = executor;
        this.metrics = metrics;
        this.defaultMode = defaultMode;
    }

    @Override
    public GenerationHandle generate(GenerationRequest request, GenerationListener listener) {
        DecodeMode wanted = request.forcedMode() != null ? request.forcedMode() : defaultMode;
        boolean fallback = wanted != DecodeMode.DRAFT_ONLY;
        if (fallback) {
            metrics.fallback();
        }
        return DraftOnlyGeneration.start(draft, executor, request.promptIds(), request.maxTokens(),
                request.sampling(), listener, metrics, produced -> SpeculationReport.draftOnly(fallback));
    }

    @Override
    public Tokenizer tokenizer() {
        return draft.tokenizer();
    }

    @Override
    public int contextLength() {
        return draft.config().contextLength();
    }

    @Override
    public String chatTemplate() {
        return draft.gguf().metadataString("tokenizer.chat_template", null);
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public boolean verifierReachable() {
        return false;
    }

    @Override
    public boolean hasVerifier() {
        return false;
    }

    @Override
    public void close() {
        // The model and executor belong to whoever created them.
    }
}
