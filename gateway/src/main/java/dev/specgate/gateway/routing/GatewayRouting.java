package dev.specgate.gateway.routing;

import dev.specgate.gateway.GatewayConfig;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.routing.Decision;
import dev.specgate.routing.RequestSignals;
import dev.specgate.routing.Route;
import dev.specgate.routing.RouteHint;
import dev.specgate.routing.RoutingPolicy;
import dev.specgate.routing.SystemSignals;
import dev.specgate.routing.acceptance.AcceptanceTracker;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.config.PolicyFileWatcher;
import dev.specgate.routing.config.PolicyStore;
import dev.specgate.routing.config.TenantPolicy;
import dev.specgate.routing.speculation.AdaptiveK;
import dev.specgate.routing.speculation.RoundTimings;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The routing-policy module inside the gateway: the policy in force ({@link PolicyStore}, hot-reloaded from the
 * {@code policy} file and replaced through {@code PUT /admin/policy}), the observed acceptance per tenant, the
 * per-request {@link RoutingPolicy} decision (counted in {@code specgate_decisions_total}) and a fresh
 * {@link AdaptiveK} for every speculative session. Thread-safe; no I/O except the file watcher's own thread.
 */
public final class GatewayRouting implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GatewayRouting.class.getName());
    /** How often the file watcher checks the policy file even without a file-system event. */
    private static final long FILE_POLL_MILLIS = 2_000;

    private final PolicyStore policies;
    private final AcceptanceTracker acceptance;
    /** Round times of every speculative session: one draft, one verifier (see {@link RoundTimings}). */
    private final RoundTimings timings;
    private final RoutingPolicy policy;
    private final GatewayMetrics metrics;
    private final PolicyFileWatcher watcher;

    private GatewayRouting(PolicyStore policies, GatewayMetrics metrics, PolicyFileWatcher watcher) {
        this.policies = policies;
        this.acceptance = new AcceptanceTracker(() -> policies.current().ewma().acceptanceHalfLifeRounds());
        this.timings = new RoundTimings(policies.current().ewma().timingHalfLifeRounds());
        this.policy = new RoutingPolicy(policies, acceptance);
        this.metrics = metrics;
        this.watcher = watcher;
    }

    /** Loads the initial policy (a bad policy file fails here, naming the field) and watches the file. */
    public static GatewayRouting start(GatewayConfig config, GatewayMetrics metrics) throws IOException {
        PolicyStore store = new PolicyStore(BuiltInPolicy.initial(config));
        PolicyFileWatcher watcher = null;
        if (config.policy != null && !config.policy.isBlank()) {
            watcher = new PolicyFileWatcher(Path.of(config.policy), store,
                    error -> LOG.log(System.Logger.Level.WARNING, "policy file " + config.policy
                            + " rejected, the policy in force stays: " + error.getMessage()), FILE_POLL_MILLIS).start();
        }
        store.addListener((previous, current) -> LOG.log(System.Logger.Level.INFO, "routing policy replaced"));
        return new GatewayRouting(store, metrics, watcher);
    }

    public PolicyStore policies() {
        return policies;
    }

    /** Routes one request and counts the decision. */
    public Decision decide(RequestSignals request, SystemSignals system) {
        Decision decision = policy.decide(request, system);
        metrics.decision(decision.route().label(), decision.reason().label());
        LOG.log(System.Logger.Level.DEBUG, () -> "tenant " + request.tenant() + ": " + decision);
        return decision;
    }

    /**
     * Whether the decision can depend on the draft's entropy: only when the verifier is reachable, the request
     * gives no hint and the tenant forces no route (the rules before the entropy rules decide otherwise), so the
     * draft's prompt pass is not paid for where it cannot matter.
     */
    public boolean usesEntropy(String tenant, RouteHint hint, SystemSignals system) {
        return system.breaker().verifierReachable() && hint == RouteHint.AUTO
                && policies.current().tenant(tenant).force().isEmpty();
    }

    /**
     * The route the request would have taken with the verifier reachable, as far as it is fixed before the
     * signals: the tenant's forced route, else the hint, else the policy's default route. Serving it locally
     * because the verifier is unreachable is a fallback when this route needs the verifier.
     */
    public Route wanted(String tenant, RouteHint hint) {
        PolicyConfig current = policies.current();
        TenantPolicy tenantPolicy = current.tenant(tenant);
        return tenantPolicy.force().orElse(hint.route().orElse(current.defaultRoute()));
    }

    /** Adaptive k for one speculative session of {@code tenant}, seeded from the tenant's observed acceptance. */
    public AdaptiveSpeculation speculation(String tenant, Decision decision) {
        AdaptiveK.Settings settings = AdaptiveK.Settings.from(policies.current(), decision.kBounds());
        AdaptiveK adaptiveK = acceptance.snapshot(tenant, Route.HYBRID)
                .map(observed -> AdaptiveK.seeded(settings, observed, timings))
                .orElseGet(() -> AdaptiveK.create(settings, timings));
        return new AdaptiveSpeculation(adaptiveK, tenant, acceptance, metrics);
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // the watch service is gone either way
            }
        }
    }
}
