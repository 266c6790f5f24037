package dev.specgate.cli.policy;

import dev.specgate.routing.Route;
import dev.specgate.routing.config.PolicyConfig;
import dev.specgate.routing.config.Thresholds;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep over known signals and verdicts, routed by the real RoutingPolicy. */
class ThresholdSweepTest {
    private static final PolicyConfig DEFAULTS = PolicyConfig.defaults(); // local 0.8, cloud 2.5 nats

    /** Entropies 0.5, 1, 2, 3 nats; agreement 4/4, 3/4, 1/4, 2/4. */
    private static final List<PromptScore> PROMPTS = List.of(
            prompt(2.0, 1), prompt(0.5, 4), prompt(3.0, 2), prompt(1.0, 3));

    private static PromptScore prompt(double entropy, int agreed) {
        return new PromptScore("p" + entropy, 5, entropy, new int[4], new Verdict(4, -agreed, agreed));
    }

    private static ThresholdSweep sweep(PolicyConfig policy) {
        return new ThresholdSweep(PROMPTS, new LocalRouting(policy, 32));
    }

    @Test
    void thresholdsAreTheObservedQuantilesWithoutRepeats() {
        List<CurvePoint> curve = sweep(DEFAULTS).curve(20);
        assertEquals(List.of(0.5, 1.0, 2.0, 3.0), curve.stream().map(CurvePoint::entropyLocalNats).toList());
        assertEquals(List.of(1, 2, 3, 4), curve.stream().map(CurvePoint::localPrompts).toList());
        assertEquals(List.of(1.0, 3.0), sweep(DEFAULTS).curve(2).stream().map(CurvePoint::entropyLocalNats).toList());
    }

    @Test
    void pointsPoolTheVerdictsOfThePromptsKeptLocal() {
        CurvePoint point = sweep(DEFAULTS).at(1.0);
        assertEquals(0.5, point.localShare());
        assertEquals(8, point.local().tokens());
        assertEquals(7 / 8.0, point.local().agreement());
        assertEquals(-7 / 8.0, point.local().meanLogProb());
        assertEquals(10 / 16.0, sweep(DEFAULTS).overall().agreement());
    }

    @Test
    void aThresholdPastTheCloudBandRaisesItSoThatPromptsCanStayLocal() {
        CurvePoint point = sweep(DEFAULTS).at(3.0);
        assertEquals(Math.nextUp(3.0), point.entropyCloudNats());
        assertEquals(1.0, point.localShare());
        assertEquals(2.5, sweep(DEFAULTS).at(2.0).entropyCloudNats());
    }

    @Test
    void theWholePolicyDecidesNotJustTheThreshold() {
        PolicyConfig localDefault = new PolicyConfig(Route.LOCAL, DEFAULTS.thresholds(), DEFAULTS.speculation(),
                DEFAULTS.ewma(), DEFAULTS.tenants());
        assertEquals(0.75, sweep(localDefault).at(0.5).localShare(), "below the cloud band the default route is local");
        PolicyConfig shortPrompts = new PolicyConfig(Route.HYBRID, new Thresholds(
                0.8, 2.5, 0.35, 0.45, 20, 20, 4, 1024, 64, 32, 500, 250), DEFAULTS.speculation(), DEFAULTS.ewma(),
                DEFAULTS.tenants());
        assertEquals(0.0, sweep(shortPrompts).at(3.0).localShare(), "5-token prompts are too long for the draft alone");
    }

    @Test
    void suggestionKeepsTheMostPromptsLocalAtTheAgreementAsked() {
        List<CurvePoint> curve = sweep(DEFAULTS).curve(20);
        assertEquals(1.0, ThresholdSweep.suggest(curve, 0.8).orElseThrow().entropyLocalNats(), "7/8 >= 0.8");
        assertEquals(3.0, ThresholdSweep.suggest(curve, 0.6).orElseThrow().entropyLocalNats(), "10/16 >= 0.6");
        assertTrue(ThresholdSweep.suggest(curve, 1.01).isEmpty());
    }
}
