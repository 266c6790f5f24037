package dev.specgate.routing.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.routing.Route;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns a parsed policy tree into a {@link PolicyConfig}: field names, types, route names and defaults.
 * Value ranges and relations between fields are {@link PolicyValidator}'s job.
 */
final class PolicyReader {

    private PolicyReader() {
    }

    static PolicyConfig read(JsonNode root) {
        FieldReader top = FieldReader.of(root, "");
        PolicyConfig defaults = PolicyConfig.defaults();

        Route defaultRoute = route(top, "default_route", defaults.defaultRoute());
        Thresholds thresholds = thresholds(top.object("thresholds"), defaults.thresholds());
        SpeculationSettings speculation = speculation(top.object("speculation"), defaults.speculation());
        EwmaSettings ewma = ewma(top.object("ewma"), defaults.ewma());

        Map<String, TenantPolicy> tenants = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : top.entries("tenants")) {
            tenants.put(entry.getKey(), tenant(FieldReader.of(entry.getValue(), top.pathOf("tenants") + "." + entry.getKey())));
        }
        top.rejectUnknownFields();
        return new PolicyConfig(defaultRoute, thresholds, speculation, ewma, tenants);
    }

    private static Thresholds thresholds(FieldReader in, Thresholds d) {
        Thresholds thresholds = new Thresholds(
                in.number("entropy_local_nats", d.entropyLocalNats()),
                in.number("entropy_cloud_nats", d.entropyCloudNats()),
                in.number("acceptance_floor", d.acceptanceFloor()),
                in.number("acceptance_release", d.acceptanceRelease()),
                in.number("acceptance_min_rounds", d.acceptanceMinRounds()),
                in.integer("acceptance_probe_every", d.acceptanceProbeEvery()),
                in.integer("max_local_prompt_tokens", d.maxLocalPromptTokens()),
                in.integer("long_generation_tokens", d.longGenerationTokens()),
                in.integer("overload_queue_depth", d.overloadQueueDepth()),
                in.integer("overload_release_queue_depth", d.overloadReleaseQueueDepth()),
                in.number("overload_rtt_ms", d.overloadRttMs()),
                in.number("overload_release_rtt_ms", d.overloadReleaseRttMs()));
        in.rejectUnknownFields();
        return thresholds;
    }

    private static SpeculationSettings speculation(FieldReader in, SpeculationSettings d) {
        SpeculationSettings speculation = new SpeculationSettings(
                in.integer("k_min", d.kMin()),
                in.integer("k_max", d.kMax()),
                in.integer("k_initial", d.kInitial()),
                in.number("acceptance_prior", d.acceptancePrior()),
                in.number("prior_weight_rounds", d.priorWeightRounds()),
                in.integer("probe_every_rounds", d.probeEveryRounds()));
        in.rejectUnknownFields();
        return speculation;
    }

    private static EwmaSettings ewma(FieldReader in, EwmaSettings d) {
        EwmaSettings ewma = new EwmaSettings(
                in.number("acceptance_half_life_rounds", d.acceptanceHalfLifeRounds()),
                in.number("timing_half_life_rounds", d.timingHalfLifeRounds()));
        in.rejectUnknownFields();
        return ewma;
    }

    private static TenantPolicy tenant(FieldReader in) {
        List<String> allowedNames = in.textList("allowed_routes");
        Set<Route> allowed = EnumSet.noneOf(Route.class);
        if (allowedNames == null) {
            allowed = EnumSet.allOf(Route.class);
        } else {
            for (int i = 0; i < allowedNames.size(); i++) {
                allowed.add(parseRoute(allowedNames.get(i), in.pathOf("allowed_routes") + "[" + i + "]"));
            }
        }
        Optional<Route> force = Optional.ofNullable(route(in, "force", null));
        Integer kMin = in.optionalInteger("k_min");
        Integer kMax = in.optionalInteger("k_max");
        in.rejectUnknownFields();
        return new TenantPolicy(allowed, force,
                kMin == null ? OptionalInt.empty() : OptionalInt.of(kMin),
                kMax == null ? OptionalInt.empty() : OptionalInt.of(kMax));
    }

    private static Route route(FieldReader in, String field, Route defaultValue) {
        String name = in.text(field, null);
        return name == null ? defaultValue : parseRoute(name, in.pathOf(field));
    }

    private static Route parseRoute(String name, String path) {
        try {
            return Route.fromLabel(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidPolicyException(path, e.getMessage());
        }
    }
}
