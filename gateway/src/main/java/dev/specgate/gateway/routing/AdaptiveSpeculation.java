package dev.specgate.gateway.routing;

import dev.specgate.gateway.KSummary;
import dev.specgate.gateway.decode.RoundMeasurement;
import dev.specgate.gateway.decode.SpeculationLength;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.routing.Route;
import dev.specgate.routing.acceptance.AcceptanceTracker;
import dev.specgate.routing.speculation.AdaptiveK;
import dev.specgate.routing.speculation.SpeculationChoice;

/**
 * One speculative session's k, chosen every round by {@link AdaptiveK} from what the rounds measured (draft time,
 * the verifier's own time, the network's), with every round also feeding the tenant's observed acceptance (which
 * the routing policy's low-acceptance rule and later sessions' AdaptiveK read). Records the chosen k in
 * {@code specgate_speculation_k} and for the report. One generation, one thread.
 */
public final class AdaptiveSpeculation implements SpeculationLength {
    private static final System.Logger LOG = System.getLogger(AdaptiveSpeculation.class.getName());
    private final AdaptiveK adaptiveK;
    private final String tenant;
    private final AcceptanceTracker acceptance;
    private final GatewayMetrics metrics;
    private final KSummary.Trace trace = new KSummary.Trace();

    AdaptiveSpeculation(AdaptiveK adaptiveK, String tenant, AcceptanceTracker acceptance, GatewayMetrics metrics) {
        this.adaptiveK = adaptiveK;
        this.tenant = tenant;
        this.acceptance = acceptance;
        this.metrics = metrics;
    }

    @Override
    public int next() {
        SpeculationChoice choice = adaptiveK.next();
        trace.add(choice.k());
        metrics.speculationK(choice.k());
        LOG.log(System.Logger.Level.DEBUG, choice::explanation); // the numbers behind each round's k, for tuning
        return choice.k();
    }

    @Override
    public void observe(RoundMeasurement round) {
        adaptiveK.observeRound(round.drafted(), round.accepted(), round.draftMicros(), round.verifierMicros(),
                round.networkMicros());
        acceptance.recordRound(tenant, Route.HYBRID, round.drafted(), round.accepted());
    }

    /** The k chosen so far. */
    public KSummary summary() {
        return trace.summary();
    }
}
