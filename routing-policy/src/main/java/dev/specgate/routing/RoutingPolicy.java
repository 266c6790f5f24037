package dev.specgate.routing;

import dev.specgate.routing.acceptance.AcceptanceSnapshot;
import dev.specgate.routing.acceptance.AcceptanceTracker;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.config.TenantPolicy;
import dev.specgate.routing.config.Thresholds;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Routes each request: {@link #decide} returns LOCAL, HYBRID or CLOUD with a reason and an explanation.
 *
 * <p>Rules, in order; the first that applies decides:
 * <ol>
 *   <li>{@code verifier_unreachable}: the breaker is not CLOSED → LOCAL, for every request. Availability
 *       wins over everything below, even a tenant that does not allow local or forces the cloud; the
 *       explanation says so. Routing returns to normal on the first request that sees CLOSED again.</li>
 *   <li>{@code tenant_policy}: the tenant forces a route → that route.</li>
 *   <li>{@code forced_by_request}: the request's hint is local, hybrid or cloud → that route, if the tenant
 *       allows it (otherwise see "allowed routes" below).</li>
 *   <li>{@code verifier_overloaded}: queue depth or rtt at the overload thresholds (with hysteresis) →
 *       LOCAL, or HYBRID when the request is too long for the draft alone (speculation still spares the
 *       verifier most forward passes).</li>
 *   <li>{@code draft_uncertain}: draft entropy ≥ {@code entropy_cloud_nats} → CLOUD.</li>
 *   <li>{@code draft_confident}: draft entropy ≤ {@code entropy_local_nats} → LOCAL, if the request fits
 *       the draft (prompt ≤ {@code max_local_prompt_tokens}, max_tokens ≤ {@code long_generation_tokens});
 *       if not, {@code long_generation} → HYBRID.</li>
 *   <li>otherwise {@code default}: the configured default route (a LOCAL default that does not fit the
 *       draft becomes HYBRID with {@code long_generation}). Entropy between the thresholds, or not
 *       measured, lands here.</li>
 *   <li>{@code low_acceptance}: whenever rules 6–7 chose HYBRID, a tenant whose observed acceptance is
 *       below {@code acceptance_floor} (hysteresis up to {@code acceptance_release}) goes to CLOUD instead,
 *       except one probe request in {@code acceptance_probe_every}.</li>
 * </ol>
 * Allowed routes: if the rules chose a route the tenant does not allow, the nearest allowed route is
 * taken (by verifier use: local &lt; hybrid &lt; cloud; a tie goes to the one using the verifier more) and the
 * reason becomes {@code tenant_policy}, with the rule that was overridden in the explanation.
 *
 * <p>Entropy thresholds have no hysteresis of their own: entropy is a property of each prompt, not a
 * signal drifting over time, and the hybrid band between the two thresholds already separates them.
 *
 * <p>Thread-safe; keeps only the overload state and per-tenant acceptance state between calls.
 */
public final class RoutingPolicy {

    private final Supplier<PolicyConfig> policy;
    private final AcceptanceTracker acceptance;
    private final OverloadHysteresis overload = new OverloadHysteresis();
    private final LowAcceptanceHysteresis lowAcceptance = new LowAcceptanceHysteresis();

    /**
     * @param policy     the policy in force, read on every decision (a {@code PolicyStore})
     * @param acceptance observed acceptance for similar traffic, read for (tenant, HYBRID)
     */
    public RoutingPolicy(Supplier<PolicyConfig> policy, AcceptanceTracker acceptance) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.acceptance = Objects.requireNonNull(acceptance, "acceptance");
    }

    /** A proposed route before the tenant's allowed routes are applied. */
    private record Proposal(Route route, Reason reason, String why) {
    }

    public Decision decide(RequestSignals request, SystemSignals system) {
        PolicyConfig config = policy.get();
        TenantPolicy tenant = config.tenant(request.tenant());
        DecisionFactory decisions = new DecisionFactory(config, tenant);

        if (!system.breaker().verifierReachable()) {
            String note = tenant.allows(Route.LOCAL) ? ""
                    : "; tenant '" + request.tenant() + "' does not allow local, but availability wins";
            return decisions.make(Route.LOCAL, Reason.VERIFIER_UNREACHABLE,
                    "circuit breaker " + system.breaker() + ": verifier unreachable, serving from the draft" + note);
        }
        boolean overloaded = overload.update(system, config.thresholds());

        if (tenant.force().isPresent()) {
            return decisions.make(tenant.force().get(), Reason.TENANT_POLICY,
                    "tenant '" + request.tenant() + "' forces " + tenant.force().get().label());
        }
        Optional<Route> asked = request.hint().route();
        if (asked.isPresent()) {
            return decisions.allowedOrNearest(new Proposal(asked.get(), Reason.FORCED_BY_REQUEST,
                    "request hint asks for " + asked.get().label()), request.tenant());
        }
        return decisions.allowedOrNearest(automatic(request, system, config, overloaded), request.tenant());
    }

    private Proposal automatic(RequestSignals request, SystemSignals system, PolicyConfig config, boolean overloaded) {
        Thresholds t = config.thresholds();
        boolean fitsDraft = request.promptTokens() <= t.maxLocalPromptTokens() && request.maxTokens() <= t.longGenerationTokens();
        String size = String.format(Locale.ROOT, "prompt %d tokens (draft max %d), max_tokens %d (draft max %d)",
                request.promptTokens(), t.maxLocalPromptTokens(), request.maxTokens(), t.longGenerationTokens());

        if (overloaded) {
            String load = String.format(Locale.ROOT, "verifier overloaded: queue depth %d (enter %d, release %d), rtt %.1f ms (enter %.1f, release %.1f)",
                    system.verifierQueueDepth(), t.overloadQueueDepth(), t.overloadReleaseQueueDepth(),
                    system.rttMicros() / 1000.0, t.overloadRttMs(), t.overloadReleaseRttMs());
            return fitsDraft
                    ? new Proposal(Route.LOCAL, Reason.VERIFIER_OVERLOADED, load + "; serving from the draft")
                    : new Proposal(Route.HYBRID, Reason.VERIFIER_OVERLOADED, load + "; " + size + " is too long for the draft alone, speculating");
        }

        double entropy = request.draftEntropyNats();
        if (request.hasDraftEntropy() && entropy >= t.entropyCloudNats()) {
            return new Proposal(Route.CLOUD, Reason.DRAFT_UNCERTAIN, String.format(Locale.ROOT,
                    "draft entropy %.3f nats >= entropy_cloud_nats %.3f", entropy, t.entropyCloudNats()));
        }
        Proposal candidate;
        if (request.hasDraftEntropy() && entropy <= t.entropyLocalNats()) {
            String confident = String.format(Locale.ROOT, "draft entropy %.3f nats <= entropy_local_nats %.3f", entropy, t.entropyLocalNats());
            if (fitsDraft) {
                return new Proposal(Route.LOCAL, Reason.DRAFT_CONFIDENT, confident + "; " + size);
            }
            candidate = new Proposal(Route.HYBRID, Reason.LONG_GENERATION, confident + ", but " + size + ": speculating instead");
        } else {
            String band = request.hasDraftEntropy()
                    ? String.format(Locale.ROOT, "draft entropy %.3f nats between %.3f and %.3f", entropy, t.entropyLocalNats(), t.entropyCloudNats())
                    : "draft entropy not measured";
            if (config.defaultRoute() == Route.LOCAL && !fitsDraft) {
                candidate = new Proposal(Route.HYBRID, Reason.LONG_GENERATION, band + "; default local, but " + size + ": speculating instead");
            } else {
                candidate = new Proposal(config.defaultRoute(), Reason.DEFAULT, band + "; default route " + config.defaultRoute().label());
            }
        }
        return candidate.route() == Route.HYBRID ? checkAcceptance(candidate, request.tenant(), t) : candidate;
    }

    private Proposal checkAcceptance(Proposal hybrid, String tenant, Thresholds t) {
        Optional<AcceptanceSnapshot> observed = acceptance.snapshot(tenant, Route.HYBRID);
        LowAcceptanceHysteresis.Verdict verdict = lowAcceptance.evaluate(tenant, observed, t);
        if (verdict == LowAcceptanceHysteresis.Verdict.PAYS) {
            return hybrid;
        }
        String numbers = String.format(Locale.ROOT, "observed acceptance %.3f over %.1f rounds (floor %.3f, release %.3f)",
                observed.map(AcceptanceSnapshot::tokenAcceptance).orElse(Double.NaN),
                observed.map(AcceptanceSnapshot::effectiveRounds).orElse(0.0), t.acceptanceFloor(), t.acceptanceRelease());
        if (verdict == LowAcceptanceHysteresis.Verdict.PROBE) {
            return new Proposal(hybrid.route(), hybrid.reason(), hybrid.why() + "; probing despite " + numbers
                    + " (1 request in " + t.acceptanceProbeEvery() + ")");
        }
        return new Proposal(Route.CLOUD, Reason.LOW_ACCEPTANCE, numbers + "; speculation does not pay, " + hybrid.why());
    }

    /** Builds decisions for one tenant: k for hybrid routes, and the allowed-routes clamp. */
    private record DecisionFactory(PolicyConfig config, TenantPolicy tenant) {

        Decision make(Route route, Reason reason, String explanation) {
            KBounds bounds = tenant.kBounds(config.speculation());
            int k = route == Route.HYBRID ? bounds.clamp(config.speculation().kInitial()) : 0;
            return new Decision(route, reason, k, bounds, explanation);
        }

        Decision allowedOrNearest(Proposal proposal, String tenantName) {
            if (tenant.allows(proposal.route())) {
                return make(proposal.route(), proposal.reason(), proposal.why());
            }
            Route nearest = nearestAllowed(proposal.route());
            return make(nearest, Reason.TENANT_POLICY, "tenant '" + tenantName + "' allows only "
                    + tenant.allowedRoutes().stream().map(Route::label).toList() + ", so " + nearest.label()
                    + " instead of " + proposal.route().label() + " (" + proposal.reason().label() + ": " + proposal.why() + ")");
        }

        private Route nearestAllowed(Route wanted) {
            Route best = null;
            for (Route candidate : tenant.allowedRoutes()) {
                int distance = Math.abs(candidate.ordinal() - wanted.ordinal());
                // Iteration is in enum order, so on a tie the later (more verifier) route wins with <=.
                if (best == null || distance <= Math.abs(best.ordinal() - wanted.ordinal())) {
                    best = candidate;
                }
            }
            return best;
        }
    }
}
