package dev.specgate.routing.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** Turns a {@link PolicyConfig} back into the tree the file format describes (every field written out). */
final class PolicyWriter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PolicyWriter() {
    }

    static ObjectNode write(PolicyConfig policy) {
        ObjectNode root = NODES.objectNode();
        root.put("default_route", policy.defaultRoute().label());

        Thresholds t = policy.thresholds();
        ObjectNode thresholds = root.putObject("thresholds");
        thresholds.put("entropy_local_nats", t.entropyLocalNats());
        thresholds.put("entropy_cloud_nats", t.entropyCloudNats());
        thresholds.put("acceptance_floor", t.acceptanceFloor());
        thresholds.put("acceptance_release", t.acceptanceRelease());
        thresholds.put("acceptance_min_rounds", t.acceptanceMinRounds());
        thresholds.put("acceptance_probe_every", t.acceptanceProbeEvery());
        thresholds.put("max_local_prompt_tokens", t.maxLocalPromptTokens());
        thresholds.put("long_generation_tokens", t.longGenerationTokens());
        thresholds.put("overload_queue_depth", t.overloadQueueDepth());
        thresholds.put("overload_release_queue_depth", t.overloadReleaseQueueDepth());
        thresholds.put("overload_rtt_ms", t.overloadRttMs());
        thresholds.put("overload_release_rtt_ms", t.overloadReleaseRttMs());

        SpeculationSettings s = policy.speculation();
        ObjectNode speculation = root.putObject("speculation");
        speculation.put("k_min", s.kMin());
        speculation.put("k_max", s.kMax());
        speculation.put("k_initial", s.kInitial());
        speculation.put("acceptance_prior", s.acceptancePrior());
        speculation.put("prior_weight_rounds", s.priorWeightRounds());
        speculation.put("probe_every_rounds", s.probeEveryRounds());

        ObjectNode ewma = root.putObject("ewma");
        ewma.put("acceptance_half_life_rounds", policy.ewma().acceptanceHalfLifeRounds());
        ewma.put("timing_half_life_rounds", policy.ewma().timingHalfLifeRounds());

        ObjectNode tenants = root.putObject("tenants");
        for (Map.Entry<String, TenantPolicy> entry : policy.tenants().entrySet()) {
            TenantPolicy tenant = entry.getValue();
            ObjectNode out = tenants.putObject(entry.getKey());
            ArrayNode allowed = out.putArray("allowed_routes");
            tenant.allowedRoutes().forEach(route -> allowed.add(route.label()));
            tenant.force().ifPresent(route -> out.put("force", route.label()));
            tenant.kMin().ifPresent(k -> out.put("k_min", k));
            tenant.kMax().ifPresent(k -> out.put("k_max", k));
        }
        return root;
    }
}
