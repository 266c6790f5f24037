package dev.specgate.gateway.backend;

import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.gateway.routing.GatewayRouting;
import dev.specgate.routing.BreakerState;
import dev.specgate.routing.Decision;
import dev.specgate.routing.RequestSignals;
import dev.specgate.routing.SystemSignals;

/**
 * A backend with only the draft model (in-process or remote). There is no verifier to reach, so the routing
 * policy routes every request local ({@code verifier_unreachable}); requests that wanted the verifier (their
 * hint, their tenant's forced route or the policy's default route needs it) get {@code fallback: true}: the
 * gateway answers rather than fails.
 */
public final class DraftOnlyBackend implements CompletionBackend {
    private static final SystemSignals NO_VERIFIER = new SystemSignals(BreakerState.OPEN, 0, 0);

    private final Draft draft;
    private final GatewayMetrics metrics;
    private final GatewayRouting routing;

    public DraftOnlyBackend(Draft draft, GatewayMetrics metrics, GatewayRouting routing) {
        this.draft = draft;
        this.metrics = metrics;
        this.routing = routing;
    }

    @Override
    public GenerationHandle generate(GenerationRequest request, GenerationListener listener) {
        // The breaker state makes the first rule decide: no entropy pass, nothing blocking here.
        Decision decision = routing.decide(new RequestSignals(request.tenant(), request.promptIds().length,
                request.maxTokens(), request.hint(), Double.NaN), NO_VERIFIER);
        boolean fallback = routing.wanted(request.tenant(), request.hint()).needsVerifier();
        if (fallback) {
            metrics.fallback();
        }
        return draft.generate(request.promptIds(), request.maxTokens(), request.sampling(), listener, metrics,
                produced -> SpeculationReport.draftOnly(decision.route(), decision.reason(), fallback));
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
