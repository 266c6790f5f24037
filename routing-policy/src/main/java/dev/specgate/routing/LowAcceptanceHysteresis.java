package dev.specgate.routing;

import dev.specgate.routing.acceptance.AcceptanceSnapshot;
import dev.specgate.routing.config.Thresholds;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per tenant: does speculation currently not pay? A tenant enters the low-acceptance state when its observed
 * token acceptance (with at least {@code acceptance_min_rounds} of evidence) falls below
 * {@code acceptance_floor}, and leaves it only at {@code acceptance_release} or above.
 *
 * <p>While in that state its would-be hybrid requests go to the cloud, and so produce no new acceptance
 * data; left alone the state could never end. So every {@code acceptance_probe_every}-th such request still
 * speculates ({@link Verdict#PROBE}), which keeps the estimate current.
 */
final class LowAcceptanceHysteresis {

    enum Verdict { PAYS, LOW, PROBE }

    private static final class TenantState {
        final AtomicBoolean low = new AtomicBoolean();
        final AtomicLong requestsWhileLow = new AtomicLong();
    }

    private final ConcurrentHashMap<String, TenantState> tenants = new ConcurrentHashMap<>();

    Verdict evaluate(String tenant, Optional<AcceptanceSnapshot> observed, Thresholds t) {
        TenantState state = tenants.computeIfAbsent(tenant, name -> new TenantState());
        if (observed.isPresent() && observed.get().effectiveRounds() >= t.acceptanceMinRounds()) {
            double acceptance = observed.get().tokenAcceptance();
            if (state.low.get()) {
                if (acceptance >= t.acceptanceRelease()) {
                    state.low.set(false);
                }
            } else if (acceptance < t.acceptanceFloor()) {
                state.low.set(true);
                state.requestsWhileLow.set(0);
            }
        }
        if (!state.low.get()) {
            return Verdict.PAYS;
        }
        long count = state.requestsWhileLow.incrementAndGet();
        return t.acceptanceProbeEvery() > 0 && count % t.acceptanceProbeEvery() == 0 ? Verdict.PROBE : Verdict.LOW;
    }
}
