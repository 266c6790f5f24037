package dev.specgate.routing.config;

import dev.specgate.routing.KBounds;
import dev.specgate.routing.Route;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCodecTest {

    static final String YAML = """
            # comments are fine in YAML
            default_route: cloud
            thresholds:
              entropy_local_nats: 0.5
              entropy_cloud_nats: 2.0
              overload_queue_depth: 10
              overload_release_queue_depth: 5
            speculation:
              k_min: 1
              k_max: 6
              k_initial: 3
            ewma:
              acceptance_half_life_rounds: 100
            tenants:
              acme:
                allowed_routes: [hybrid, cloud]
                force: cloud
                k_max: 4
              edge-co:
                allowed_routes: local
            """;

    static final String JSON = """
            {
              "default_route": "cloud",
              "thresholds": {"entropy_local_nats": 0.5, "entropy_cloud_nats": 2.0,
                             "overload_queue_depth": 10, "overload_release_queue_depth": 5},
              "speculation": {"k_min": 1, "k_max": 6, "k_initial": 3},
              "ewma": {"acceptance_half_life_rounds": 100},
              "tenants": {
                "acme": {"allowed_routes": ["hybrid", "cloud"], "force": "cloud", "k_max": 4},
                "edge-co": {"allowed_routes": "local"}
              }
            }
            """;

    @Test
    void aPolicyWithOtherKBoundsRoundTripsAndKeepsEverythingElse() {
        PolicyConfig pinned = PolicyCodec.parse(PolicyCodec.toJson(PolicyConfig.withK(3, 3, 3)));
        assertEquals(new KBounds(3, 3), pinned.speculation().kBounds());
        assertEquals(3, pinned.speculation().kInitial());
        PolicyConfig defaults = PolicyConfig.defaults();
        assertEquals(defaults.speculation().withK(3, 3, 3), pinned.speculation());
        assertEquals(defaults.thresholds(), pinned.thresholds());
        assertEquals(defaults.ewma(), pinned.ewma());
        assertEquals(defaults.defaultRoute(), pinned.defaultRoute());
    }

    @Test
    void readsYaml() {
        PolicyConfig policy = PolicyCodec.parse(YAML);
        assertEquals(Route.CLOUD, policy.defaultRoute());
        assertEquals(0.5, policy.thresholds().entropyLocalNats());
        assertEquals(10, policy.thresholds().overloadQueueDepth());
        assertEquals(Thresholds.defaults().acceptanceFloor(), policy.thresholds().acceptanceFloor(), "unset fields take defaults");
        assertEquals(new KBounds(1, 6), policy.speculation().kBounds());
        assertEquals(100, policy.ewma().acceptanceHalfLifeRounds());
        TenantPolicy acme = policy.tenant("acme");
        assertEquals(Set.of(Route.HYBRID, Route.CLOUD), acme.allowedRoutes());
        assertEquals(Optional.of(Route.CLOUD), acme.force());
        assertEquals(new KBounds(1, 4), acme.kBounds(policy.speculation()), "k_min falls back to the global one");
        assertEquals(Set.of(Route.LOCAL), policy.tenant("edge-co").allowedRoutes());
    }

    @Test
    void readsJsonToTheSamePolicy() {
        assertEquals(PolicyCodec.parse(YAML), PolicyCodec.parse(JSON));
    }

    @Test
    void emptyMappingGivesDefaults() {
        assertEquals(PolicyConfig.defaults(), PolicyCodec.parse("{}"));
    }

    @Test
    void roundTripsThroughYamlAndJson() {
        PolicyConfig policy = PolicyCodec.parse(YAML);
        assertEquals(policy, PolicyCodec.parse(PolicyCodec.toYaml(policy)));
        assertEquals(policy, PolicyCodec.parse(PolicyCodec.toJson(policy)));
        assertTrue(PolicyCodec.toYaml(policy).contains("entropy_local_nats: 0.5"), PolicyCodec.toYaml(policy));
        assertTrue(PolicyCodec.toJson(policy).stripLeading().startsWith("{"));
    }

    @Test
    void tenantKMaxBelowKMinNamesTheField() {
        InvalidPolicyException e = invalid("tenants: {acme: {k_min: 3, k_max: 2}}");
        assertEquals("tenants.acme.k_max", e.fieldPath());
        assertEquals("tenants.acme.k_max: must be >= k_min (3)", e.getMessage());
    }

    @Test
    void validationErrorsNameTheirFieldPath() {
        assertPath("thresholds.entropy_cloud_nats", "thresholds: {entropy_local_nats: 2, entropy_cloud_nats: 1}");
        assertPath("thresholds.acceptance_floor", "thresholds: {acceptance_floor: 1.5}");
        assertPath("thresholds.acceptance_release", "thresholds: {acceptance_floor: 0.5, acceptance_release: 0.4}");
        assertPath("thresholds.overload_release_queue_depth", "thresholds: {overload_queue_depth: 10, overload_release_queue_depth: 11}");
        assertPath("thresholds.overload_release_rtt_ms", "thresholds: {overload_rtt_ms: 10, overload_release_rtt_ms: 11}");
        assertPath("speculation.k_max", "speculation: {k_min: 4, k_max: 2, k_initial: 4}");
        assertPath("speculation.k_max", "speculation: {k_max: 64}");
        assertPath("speculation.k_initial", "speculation: {k_max: 4, k_initial: 5}");
        assertPath("speculation.acceptance_prior", "speculation: {acceptance_prior: -0.1}");
        assertPath("ewma.timing_half_life_rounds", "ewma: {timing_half_life_rounds: 0}");
        assertPath("tenants.acme.force", "tenants: {acme: {allowed_routes: [local], force: cloud}}");
        assertPath("tenants.acme.allowed_routes", "tenants: {acme: {allowed_routes: []}}");
    }

    @Test
    void typeErrorsNameTheirFieldPath() {
        assertPath("thresholds.overload_queue_depth", "thresholds: {overload_queue_depth: 2.5}");
        assertPath("thresholds.entropy_local_nats", "thresholds: {entropy_local_nats: low}");
        assertPath("default_route", "default_route: edge");
        assertPath("tenants.acme.allowed_routes[1]", "tenants: {acme: {allowed_routes: [local, sky]}}");
        assertPath("thresholds", "thresholds: 3");
        assertPath("tenants.acme", "tenants: {acme: [local]}");
    }

    @Test
    void unknownFieldsAreRejectedSoTyposDoNotFallBackToDefaults() {
        InvalidPolicyException e = invalid("thresholds: {entropy_locl_nats: 0.5}");
        assertEquals("thresholds.entropy_locl_nats: unknown field", e.getMessage());
        assertPath("tenants.acme.forced", "tenants: {acme: {forced: cloud}}");
        assertPath("colour", "colour: blue");
    }

    @Test
    void syntaxErrorsSayWhere() {
        InvalidPolicyException json = invalid("{\"default_route\": }");
        assertEquals("", json.fieldPath());
        assertTrue(json.getMessage().startsWith("policy: not valid JSON"), json.getMessage());
        InvalidPolicyException yaml = invalid("thresholds:\n  a: [1, 2\n");
        assertTrue(yaml.getMessage().startsWith("policy: not valid YAML"), yaml.getMessage());
        assertTrue(invalid("").getMessage().contains("empty"));
    }

    private static void assertPath(String path, String text) {
        assertEquals(path, invalid(text).fieldPath(), text);
    }

    private static InvalidPolicyException invalid(String text) {
        return assertThrows(InvalidPolicyException.class, () -> PolicyCodec.parse(text));
    }

    @Test
    void exampleFileParsesAndItsCommentedValuesAreTheDefaults() throws java.io.IOException {
        PolicyConfig example = PolicyCodec.parse(java.nio.file.Files.readString(java.nio.file.Path.of("policy.example.yaml")));
        assertEquals(PolicyConfig.defaults().thresholds(), example.thresholds());
        assertEquals(PolicyConfig.defaults().speculation(), example.speculation());
        assertEquals(PolicyConfig.defaults().ewma(), example.ewma());
        assertEquals(3, example.tenants().size());
    }

    @Test
    void failingListenerDoesNotStopOthersNorUndoTheUpdate() {
        PolicyStore store = PolicyStore.withDefaults();
        java.util.List<String> told = new java.util.ArrayList<>();
        store.addListener((a, b) -> { throw new IllegalStateException("boom"); });
        store.addListener((a, b) -> told.add("second"));
        assertThrows(IllegalStateException.class, () -> store.update("default_route: cloud"));
        assertEquals(Route.CLOUD, store.current().defaultRoute());
        assertEquals(java.util.List.of("second"), told);
    }
}
