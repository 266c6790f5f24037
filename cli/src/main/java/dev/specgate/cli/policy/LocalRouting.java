package dev.specgate.cli.policy;

import dev.specgate.routing.Route;
import dev.specgate.routing.RouteHint;
import dev.specgate.routing.RequestSignals;
import dev.specgate.routing.RoutingPolicy;
import dev.specgate.routing.SystemSignals;
import dev.specgate.routing.acceptance.AcceptanceTracker;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.config.Thresholds;

/**
 * Asks the real {@link RoutingPolicy} whether a prompt would be served locally if {@code entropy_local_nats} had
 * a given value, everything else being the policy in force: a healthy, idle verifier, no hint, a tenant the
 * policy does not name, and the evaluation's {@code max_tokens}. A threshold at or above
 * {@code entropy_cloud_nats} also raises that to just above it, since the policy needs local &lt; cloud.
 */
public final class LocalRouting {
    static final String TENANT = "policy-evaluate";

    private final PolicyConfig policy;
    private final int maxTokens;

    public LocalRouting(PolicyConfig policy, int maxTokens) {
        this.policy = policy;
        this.maxTokens = maxTokens;
    }

    public PolicyConfig policy() {
        return policy;
    }

    /** The policy's own {@code entropy_local_nats}. */
    public double currentThreshold() {
        return policy.thresholds().entropyLocalNats();
    }

    /** {@code entropy_cloud_nats} as it would be with {@code entropyLocalNats}. */
    public double cloudThreshold(double entropyLocalNats) {
        return Math.max(policy.thresholds().entropyCloudNats(), Math.nextUp(entropyLocalNats));
    }

    public boolean local(PromptScore prompt, double entropyLocalNats) {
        PolicyConfig variant = withEntropyBand(entropyLocalNats, cloudThreshold(entropyLocalNats));
        RoutingPolicy routing = new RoutingPolicy(() -> variant,
                new AcceptanceTracker(variant.ewma().acceptanceHalfLifeRounds()));
        RequestSignals request = new RequestSignals(TENANT, prompt.promptTokens(), maxTokens, RouteHint.AUTO,
                prompt.draftEntropyNats());
        return routing.decide(request, SystemSignals.healthy(0)).route() == Route.LOCAL;
    }

    private PolicyConfig withEntropyBand(double local, double cloud) {
        Thresholds t = policy.thresholds();
        Thresholds changed = new Thresholds(local, cloud, t.acceptanceFloor(), t.acceptanceRelease(),
                t.acceptanceMinRounds(), t.acceptanceProbeEvery(), t.maxLocalPromptTokens(), t.longGenerationTokens(),
                t.overloadQueueDepth(), t.overloadReleaseQueueDepth(), t.overloadRttMs(), t.overloadReleaseRttMs());
        return new PolicyConfig(policy.defaultRoute(), changed, policy.speculation(), policy.ewma(), policy.tenants());
    }
}
