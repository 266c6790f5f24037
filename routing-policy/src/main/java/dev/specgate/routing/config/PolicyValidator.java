package dev.specgate.routing.config;

import dev.specgate.routing.KBounds;

import java.util.Map;

/**
 * Checks value ranges and relations between fields; the first problem found is thrown as an
 * {@link InvalidPolicyException} naming the field path, with the value it was compared against.
 */
public final class PolicyValidator {

    private PolicyValidator() {
    }

    public static PolicyConfig validate(PolicyConfig policy) {
        thresholds(policy.thresholds());
        speculation(policy.speculation());
        ewma(policy.ewma());
        for (Map.Entry<String, TenantPolicy> tenant : policy.tenants().entrySet()) {
            tenant("tenants." + tenant.getKey(), tenant.getValue(), policy.speculation());
        }
        return policy;
    }

    private static void thresholds(Thresholds t) {
        String p = "thresholds.";
        atLeast(p + "entropy_local_nats", t.entropyLocalNats(), 0);
        if (!(t.entropyCloudNats() > t.entropyLocalNats())) {
            fail(p + "entropy_cloud_nats", "must be > entropy_local_nats (" + t.entropyLocalNats() + ")");
        }
        within(p + "acceptance_floor", t.acceptanceFloor(), 0, 1);
        within(p + "acceptance_release", t.acceptanceRelease(), 0, 1);
        if (t.acceptanceRelease() < t.acceptanceFloor()) {
            fail(p + "acceptance_release", "must be >= acceptance_floor (" + t.acceptanceFloor() + ")");
        }
        atLeast(p + "acceptance_min_rounds", t.acceptanceMinRounds(), 0);
        atLeast(p + "acceptance_probe_every", t.acceptanceProbeEvery(), 0);
        atLeast(p + "max_local_prompt_tokens", t.maxLocalPromptTokens(), 0);
        atLeast(p + "long_generation_tokens", t.longGenerationTokens(), 0);
        atLeast(p + "overload_queue_depth", t.overloadQueueDepth(), 1);
        atLeast(p + "overload_release_queue_depth", t.overloadReleaseQueueDepth(), 0);
        if (t.overloadReleaseQueueDepth() > t.overloadQueueDepth()) {
            fail(p + "overload_release_queue_depth", "must be <= overload_queue_depth (" + t.overloadQueueDepth() + ")");
        }
        if (!(t.overloadRttMs() > 0)) {
            fail(p + "overload_rtt_ms", "must be > 0");
        }
        atLeast(p + "overload_release_rtt_ms", t.overloadReleaseRttMs(), 0);
        if (t.overloadReleaseRttMs() > t.overloadRttMs()) {
            fail(p + "overload_release_rtt_ms", "must be <= overload_rtt_ms (" + t.overloadRttMs() + ")");
        }
    }

    private static void speculation(SpeculationSettings s) {
        String p = "speculation.";
        kBounds(p, s.kMin(), s.kMax());
        if (s.kInitial() < s.kMin() || s.kInitial() > s.kMax()) {
            fail(p + "k_initial", "must be within k_min..k_max (" + s.kMin() + ".." + s.kMax() + ")");
        }
        within(p + "acceptance_prior", s.acceptancePrior(), 0, 1);
        if (!(s.priorWeightRounds() > 0)) {
            fail(p + "prior_weight_rounds", "must be > 0");
        }
        atLeast(p + "probe_every_rounds", s.probeEveryRounds(), 0);
    }

    private static void ewma(EwmaSettings e) {
        if (!(e.acceptanceHalfLifeRounds() > 0)) {
            fail("ewma.acceptance_half_life_rounds", "must be > 0");
        }
        if (!(e.timingHalfLifeRounds() > 0)) {
            fail("ewma.timing_half_life_rounds", "must be > 0");
        }
    }

    private static void tenant(String path, TenantPolicy tenant, SpeculationSettings global) {
        if (tenant.allowedRoutes().isEmpty()) {
            fail(path + ".allowed_routes", "must name at least one route");
        }
        tenant.force().ifPresent(route -> {
            if (!tenant.allows(route)) {
                fail(path + ".force", "route '" + route.label() + "' is not in allowed_routes " + labels(tenant));
            }
        });
        kBounds(path + ".", tenant.kMin().orElse(global.kMin()), tenant.kMax().orElse(global.kMax()));
    }

    private static void kBounds(String prefix, int kMin, int kMax) {
        atLeast(prefix + "k_min", kMin, 0);
        if (kMax < kMin) {
            fail(prefix + "k_max", "must be >= k_min (" + kMin + ")");
        }
        if (kMax > KBounds.HARD_MAX) {
            fail(prefix + "k_max", "must be <= " + KBounds.HARD_MAX);
        }
    }

    private static String labels(TenantPolicy tenant) {
        return tenant.allowedRoutes().stream().map(r -> r.label()).toList().toString();
    }

    private static void atLeast(String path, double value, double min) {
        if (!(value >= min)) {
            fail(path, "must be >= " + format(min) + ", got " + format(value));
        }
    }

    private static void within(String path, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            fail(path, "must be within " + format(min) + ".." + format(max) + ", got " + format(value));
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static void fail(String path, String problem) {
        throw new InvalidPolicyException(path, problem);
    }
}
