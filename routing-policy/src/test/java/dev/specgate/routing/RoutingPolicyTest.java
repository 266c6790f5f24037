package dev.specgate.routing;

import dev.specgate.routing.acceptance.AcceptanceTracker;
import dev.specgate.routing.config.PolicyCodec;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.config.PolicyStore;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutingPolicyTest {

    /** Thresholds chosen so each rule can be hit on purpose; tenants cover allowed and forced routes. */
    static final String POLICY = """
            default_route: hybrid
            thresholds:
              entropy_local_nats: 1.0
              entropy_cloud_nats: 3.0
              acceptance_floor: 0.3
              acceptance_release: 0.5
              acceptance_min_rounds: 5
              acceptance_probe_every: 4
              max_local_prompt_tokens: 1000
              long_generation_tokens: 500
              overload_queue_depth: 100
              overload_release_queue_depth: 50
              overload_rtt_ms: 400
              overload_release_rtt_ms: 200
            speculation: {k_min: 0, k_max: 8, k_initial: 5}
            ewma: {acceptance_half_life_rounds: 1000}
            tenants:
              no_local: {allowed_routes: [hybrid, cloud]}
              only_local: {allowed_routes: [local]}
              edges: {allowed_routes: [local, cloud]}
              forced: {allowed_routes: [cloud, hybrid], force: cloud}
              small_k: {k_min: 1, k_max: 3}
            """;

    final PolicyStore store = new PolicyStore(PolicyCodec.parse(POLICY));
    final AcceptanceTracker tracker = new AcceptanceTracker(1000);
    final RoutingPolicy routing = new RoutingPolicy(store, tracker);

    static final SystemSignals HEALTHY = SystemSignals.healthy(10_000);

    static RequestSignals request(String tenant, double entropy) {
        return RequestSignals.of(tenant, 100, 100).withDraftEntropy(entropy);
    }

    Decision decide(RequestSignals request) {
        return routing.decide(request, HEALTHY);
    }

    @Nested
    class Rules {
        @Test
        void confidentDraftAnswersLocally() {
            Decision d = decide(request("t", 0.5));
            assertEquals(Route.LOCAL, d.route());
            assertEquals(Reason.DRAFT_CONFIDENT, d.reason());
            assertEquals(0, d.k());
            assertTrue(d.explanation().contains("0.500 nats <= entropy_local_nats 1.000"), d.explanation());
        }

        @Test
        void uncertainDraftGoesToTheCloud() {
            Decision d = decide(request("t", 3.2));
            assertEquals(Route.CLOUD, d.route());
            assertEquals(Reason.DRAFT_UNCERTAIN, d.reason());
        }

        @Test
        void thresholdsAreInclusive() {
            assertEquals(Route.LOCAL, decide(request("t", 1.0)).route());
            assertEquals(Route.CLOUD, decide(request("t", 3.0)).route());
        }

        @Test
        void middleBandSpeculatesWithDefaultReasonAndInitialK() {
            Decision d = decide(request("t", 2.0));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.DEFAULT, d.reason());
            assertEquals(5, d.k());
            assertEquals(new KBounds(0, 8), d.kBounds());
        }

        @Test
        void unmeasuredEntropyTakesTheDefaultRoute() {
            Decision d = decide(RequestSignals.of("t", 100, 100));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.DEFAULT, d.reason());
            assertTrue(d.explanation().contains("not measured"), d.explanation());
        }

        @Test
        void longGenerationIsNotAnsweredByTheDraftAlone() {
            Decision d = decide(RequestSignals.of("t", 100, 501).withDraftEntropy(0.2));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.LONG_GENERATION, d.reason());
            assertTrue(d.explanation().contains("max_tokens 501 (draft max 500)"), d.explanation());
        }

        @Test
        void longPromptIsNotAnsweredByTheDraftAlone() {
            Decision d = decide(RequestSignals.of("t", 1001, 10).withDraftEntropy(0.2));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.LONG_GENERATION, d.reason());
        }

        @Test
        void localDefaultBecomesHybridForLongRequests() {
            store.update(POLICY.replace("default_route: hybrid", "default_route: local"));
            assertEquals(Route.LOCAL, decide(RequestSignals.of("t", 10, 10)).route());
            Decision d = decide(RequestSignals.of("t", 10, 600));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.LONG_GENERATION, d.reason());
        }

        @Test
        void requestHintWins() {
            for (RouteHint hint : new RouteHint[]{RouteHint.LOCAL, RouteHint.HYBRID, RouteHint.CLOUD}) {
                Decision d = decide(request("t", 2.0).withHint(hint));
                assertEquals(hint.route().orElseThrow(), d.route());
                assertEquals(Reason.FORCED_BY_REQUEST, d.reason());
            }
        }

        @Test
        void requestHintWinsOverOverload() {
            Decision d = routing.decide(request("t", 2.0).withHint(RouteHint.CLOUD), HEALTHY.withQueueDepth(500));
            assertEquals(Route.CLOUD, d.route());
            assertEquals(Reason.FORCED_BY_REQUEST, d.reason());
        }

        @Test
        void overloadedVerifierKeepsTrafficLocal() {
            Decision d = routing.decide(request("t", 3.5), HEALTHY.withQueueDepth(100));
            assertEquals(Route.LOCAL, d.route());
            assertEquals(Reason.VERIFIER_OVERLOADED, d.reason());
            assertTrue(d.explanation().contains("queue depth 100 (enter 100, release 50)"), d.explanation());
        }

        @Test
        void slowRoundTripsCountAsOverload() {
            Decision d = routing.decide(request("t", 2.0), SystemSignals.healthy(400_000));
            assertEquals(Route.LOCAL, d.route());
            assertEquals(Reason.VERIFIER_OVERLOADED, d.reason());
        }

        @Test
        void overloadedVerifierStillSpeculatesForLongRequests() {
            Decision d = routing.decide(RequestSignals.of("t", 5000, 100), HEALTHY.withQueueDepth(200));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.VERIFIER_OVERLOADED, d.reason());
        }

        @Test
        void reasonLabelsAreStable() {
            assertEquals("verifier_unreachable", Reason.VERIFIER_UNREACHABLE.label());
            assertEquals("forced_by_request", Reason.FORCED_BY_REQUEST.label());
            assertEquals("tenant_policy", Reason.TENANT_POLICY.label());
            assertEquals("draft_confident", Reason.DRAFT_CONFIDENT.label());
            assertEquals("draft_uncertain", Reason.DRAFT_UNCERTAIN.label());
            assertEquals("low_acceptance", Reason.LOW_ACCEPTANCE.label());
            assertEquals("verifier_overloaded", Reason.VERIFIER_OVERLOADED.label());
            assertEquals("long_generation", Reason.LONG_GENERATION.label());
            assertEquals("default", Reason.DEFAULT.label());
            assertEquals(9, Reason.values().length);
        }
    }

    @Nested
    class Offline {
        @Test
        void openBreakerSendsEverythingLocal() {
            SystemSignals down = HEALTHY.withBreaker(BreakerState.OPEN);
            for (RequestSignals r : new RequestSignals[]{
                    request("t", 5.0), request("t", 2.0).withHint(RouteHint.CLOUD), request("forced", 2.0),
                    RequestSignals.of("t", 9000, 9000)}) {
                Decision d = routing.decide(r, down);
                assertEquals(Route.LOCAL, d.route(), r.toString());
                assertEquals(Reason.VERIFIER_UNREACHABLE, d.reason(), r.toString());
            }
        }

        @Test
        void halfOpenBreakerStillCountsAsUnreachable() {
            Decision d = routing.decide(request("t", 5.0), HEALTHY.withBreaker(BreakerState.HALF_OPEN));
            assertEquals(Reason.VERIFIER_UNREACHABLE, d.reason());
        }

        @Test
        void availabilityWinsOverATenantThatForbidsLocalAndSaysSo() {
            Decision d = routing.decide(request("no_local", 2.0), HEALTHY.withBreaker(BreakerState.OPEN));
            assertEquals(Route.LOCAL, d.route());
            assertEquals(Reason.VERIFIER_UNREACHABLE, d.reason());
            assertTrue(d.explanation().contains("does not allow local, but availability wins"), d.explanation());
        }

        @Test
        void recoversAsSoonAsTheBreakerCloses() {
            RequestSignals uncertain = request("t", 5.0);
            assertEquals(Route.LOCAL, routing.decide(uncertain, HEALTHY.withBreaker(BreakerState.OPEN)).route());
            assertEquals(Route.LOCAL, routing.decide(uncertain, HEALTHY.withBreaker(BreakerState.HALF_OPEN)).route());
            Decision back = routing.decide(uncertain, HEALTHY);
            assertEquals(Route.CLOUD, back.route());
            assertEquals(Reason.DRAFT_UNCERTAIN, back.reason());
        }
    }

    @Nested
    class Tenants {
        @Test
        void forcedRouteWinsOverHintAndRules() {
            Decision d = decide(request("forced", 0.1).withHint(RouteHint.LOCAL));
            assertEquals(Route.CLOUD, d.route());
            assertEquals(Reason.TENANT_POLICY, d.reason());
        }

        @Test
        void disallowedRuleRouteTakesTheNearestAllowedOne() {
            Decision d = decide(request("no_local", 0.1));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(Reason.TENANT_POLICY, d.reason());
            assertTrue(d.explanation().contains("instead of local (draft_confident"), d.explanation());
        }

        @Test
        void disallowedHintTakesTheNearestAllowedRoute() {
            Decision d = decide(request("only_local", 2.0).withHint(RouteHint.CLOUD));
            assertEquals(Route.LOCAL, d.route());
            assertEquals(Reason.TENANT_POLICY, d.reason());
        }

        @Test
        void tieBetweenNeighboursGoesToTheRouteUsingTheVerifierMore() {
            Decision d = decide(request("edges", 2.0));
            assertEquals(Route.CLOUD, d.route());
            assertEquals(Reason.TENANT_POLICY, d.reason());
        }

        @Test
        void tenantKBoundsApply() {
            Decision d = decide(request("small_k", 2.0));
            assertEquals(Route.HYBRID, d.route());
            assertEquals(new KBounds(1, 3), d.kBounds());
            assertEquals(3, d.k(), "initial k 5 clamped into the tenant's bounds");
        }

        @Test
        void unknownTenantIsUnrestricted() {
            assertEquals(Route.LOCAL, decide(request("somebody", 0.1)).route());
        }
    }

    @Nested
    class Hysteresis {
        @Test
        void overloadHoldsUntilTheReleaseThreshold() {
            RequestSignals r = request("t", 2.0);
            assertEquals(Route.HYBRID, routing.decide(r, HEALTHY.withQueueDepth(99)).route());
            assertEquals(Route.LOCAL, routing.decide(r, HEALTHY.withQueueDepth(100)).route());
            // Between release (50) and enter (100): stays overloaded.
            assertEquals(Route.LOCAL, routing.decide(r, HEALTHY.withQueueDepth(70)).route());
            assertEquals(Route.LOCAL, routing.decide(r, HEALTHY.withQueueDepth(51)).route());
            assertEquals(Route.HYBRID, routing.decide(r, HEALTHY.withQueueDepth(50)).route());
            // And back in the band without having crossed the enter threshold: stays normal.
            assertEquals(Route.HYBRID, routing.decide(r, HEALTHY.withQueueDepth(70)).route());
        }

        @Test
        void overloadReleaseNeedsBothQueueAndRttBelowRelease() {
            RequestSignals r = request("t", 2.0);
            routing.decide(r, HEALTHY.withQueueDepth(150));
            assertEquals(Route.LOCAL, routing.decide(r, new SystemSignals(BreakerState.CLOSED, 300_000, 10)).route());
            assertEquals(Route.HYBRID, routing.decide(r, new SystemSignals(BreakerState.CLOSED, 200_000, 10)).route());
        }

        @Test
        void lowAcceptanceSendsHybridCandidatesToTheCloudWithHysteresis() {
            RequestSignals middle = request("acme", 2.0);
            record(10, 8, 1); // acceptance 0.125
            Decision low = decide(middle);
            assertEquals(Route.CLOUD, low.route());
            assertEquals(Reason.LOW_ACCEPTANCE, low.reason());
            assertTrue(low.explanation().contains("observed acceptance 0.125"), low.explanation());

            // Acceptance recovers to ~0.4: above the floor but below release, so the state holds.
            record(200, 8, 4);
            assertTrue(tracker.snapshot("acme", Route.HYBRID).orElseThrow().tokenAcceptance() > 0.3);
            assertEquals(Route.CLOUD, decideSkippingProbes(middle).route());

            record(2000, 8, 8);
            assertTrue(tracker.snapshot("acme", Route.HYBRID).orElseThrow().tokenAcceptance() >= 0.5);
            assertEquals(Route.HYBRID, decide(middle).route());
            assertEquals(Reason.DEFAULT, decide(middle).reason());
        }

        @Test
        void lowAcceptanceNeedsEnoughEvidence() {
            record(4, 8, 0); // 4 rounds < acceptance_min_rounds 5
            assertEquals(Route.HYBRID, decide(request("acme", 2.0)).route());
        }

        @Test
        void lowAcceptanceProbesOneRequestInN() {
            record(10, 8, 0);
            int hybrid = 0;
            for (int i = 0; i < 40; i++) {
                hybrid += decide(request("acme", 2.0)).route() == Route.HYBRID ? 1 : 0;
            }
            assertEquals(10, hybrid, "acceptance_probe_every: 4");
        }

        @Test
        void lowAcceptanceDoesNotTouchLocalOrCloudDecisions() {
            record(10, 8, 0);
            assertEquals(Reason.DRAFT_CONFIDENT, decide(request("acme", 0.1)).reason());
            assertEquals(Reason.DRAFT_UNCERTAIN, decide(request("acme", 9.0)).reason());
            assertEquals(Reason.FORCED_BY_REQUEST, decide(request("acme", 2.0).withHint(RouteHint.HYBRID)).reason());
        }

        private Decision decideSkippingProbes(RequestSignals request) {
            Decision d = decide(request);
            return d.route() == Route.HYBRID ? decide(request) : d;
        }

        private void record(int rounds, int drafted, int accepted) {
            for (int i = 0; i < rounds; i++) {
                tracker.recordRound("acme", Route.HYBRID, drafted, accepted);
            }
        }
    }

    @Nested
    class Configuration {
        @Test
        void policyReloadAppliesToTheNextDecision() {
            assertEquals(Route.HYBRID, decide(request("t", 2.0)).route());
            store.update(POLICY.replace("entropy_cloud_nats: 3.0", "entropy_cloud_nats: 1.5"));
            assertEquals(Route.CLOUD, decide(request("t", 2.0)).route());
        }

        @Test
        void defaultsAreUsable() {
            RoutingPolicy defaults = new RoutingPolicy(PolicyConfig::defaults, new AcceptanceTracker(64));
            assertEquals(Route.HYBRID, defaults.decide(RequestSignals.of("x", 10, 10), HEALTHY).route());
        }
    }
}
