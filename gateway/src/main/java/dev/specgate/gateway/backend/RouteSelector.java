package dev.specgate.gateway.backend;

import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.decode.Ids;
import dev.specgate.gateway.routing.GatewayRouting;
import dev.specgate.routing.Decision;
import dev.specgate.routing.Reason;
import dev.specgate.routing.RequestSignals;
import dev.specgate.routing.SystemSignals;

/**
 * Gathers one request's signals (its size, hint and tenant, the draft's entropy on its prompt, the verifier's
 * health) and asks the routing policy. Blocking when it measures the entropy: call on a decode thread.
 */
final class RouteSelector {
    private final GatewayRouting routing;
    private final DraftEntropyProbe entropy;

    RouteSelector(GatewayRouting routing, DraftEntropyProbe entropy) {
        this.routing = routing;
        this.entropy = entropy;
    }

    /**
     * A routed request.
     *
     * @param decision     the policy's answer
     * @param sessionId    the session id to generate under
     * @param draftSession true when the draft holds that session (its prompt pass); release it unless speculating
     * @param fallback     the route is local only because the verifier is unreachable, and the request wanted it
     */
    record Routed(Decision decision, String sessionId, boolean draftSession, boolean fallback) {
    }

    Routed route(GenerationRequest request, SystemSignals system) {
        String sessionId = Ids.SESSIONS.next();
        boolean measure = entropy.enabled() && routing.usesEntropy(request.tenant(), request.hint(), system);
        double nats = measure ? entropy.measure(sessionId, request.promptIds()) : Double.NaN;
        RequestSignals signals = new RequestSignals(request.tenant(), request.promptIds().length,
                request.maxTokens(), request.hint(), nats);
        Decision decision = routing.decide(signals, system);
        boolean fallback = decision.reason() == Reason.VERIFIER_UNREACHABLE
                && routing.wanted(request.tenant(), request.hint()).needsVerifier();
        return new Routed(decision, sessionId, !Double.isNaN(nats), fallback);
    }

    /** Frees the draft session of a request that does not speculate. */
    void releaseDraftSession(Routed routed) {
        if (routed.draftSession()) {
            entropy.release(routed.sessionId());
        }
    }
}
