package dev.specgate.gateway.backend;

import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.DecodeMode;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.metrics.GatewayMetrics;

/**
 * A backend with only the draft model (in-process or remote). Requests that want the verifier (speculative,
 * verifier-only) are answered by the draft with {@code fallback: true}: the gateway answers rather than fails.
 */
public final class DraftOnlyBackend implements CompletionBackend {
    private final Draft draft;
    private final GatewayMetrics metrics;
    private final DecodeMode defaultMode;

    public DraftOnlyBackend(Draft draft, GatewayMetrics metrics, DecodeMode defaultMode) {
        this.draft = draft;
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
        return draft.generate(request.promptIds(), request.maxTokens(), request.sampling(), listener, metrics,
                produced -> SpeculationReport.draftOnly(fallback));
    }

    @Override
    public Tokenizer tokenizer() {
        return draft.tokenizer();
    }

    @Override
    public int contextLength() {
        return draft.contextLength();
    }

    @Override
    public String chatTemplate() {
        return draft.chatTemplate();
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
        // The draft belongs to whoever created it.
    }
}
