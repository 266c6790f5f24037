package dev.specgate.routing.acceptance;

import dev.specgate.routing.Route;
import dev.specgate.routing.stats.HalfLife;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * Observed acceptance for similar traffic: per tenant and route, exponentially weighted over rounds with a
 * half-life in rounds. The gateway calls {@link #recordRound} after every verification round; the routing
 * policy reads {@link #snapshot} (token acceptance and evidence) and new sessions seed {@code AdaptiveK} from
 * its per-position estimates. Thread-safe: one lock per (tenant, route).
 */
public final class AcceptanceTracker {

    private record Key(String tenant, Route route) {
    }

    private final DoubleSupplier halfLifeRounds;
    private final ConcurrentHashMap<Key, PositionalAcceptance> byKey = new ConcurrentHashMap<>();

    /**
     * @param halfLifeRounds read when a (tenant, route) is first seen, so a policy reload applies to new keys;
     *                       typically {@code () -> store.current().ewma().acceptanceHalfLifeRounds()}
     */
    public AcceptanceTracker(DoubleSupplier halfLifeRounds) {
        this.halfLifeRounds = Objects.requireNonNull(halfLifeRounds, "halfLifeRounds");
    }

    public AcceptanceTracker(double halfLifeRounds) {
        this(() -> halfLifeRounds);
        HalfLife.decayPerRound(halfLifeRounds); // fail fast on a bad value
    }

    /** One round of {@code tenant} on {@code route}: {@code drafted} proposed, the first {@code accepted} accepted. */
    public void recordRound(String tenant, Route route, int drafted, int accepted) {
        PositionalAcceptance counts = byKey.computeIfAbsent(new Key(tenant, route),
                key -> new PositionalAcceptance(HalfLife.decayPerRound(halfLifeRounds.getAsDouble())));
        synchronized (counts) {
            counts.record(drafted, accepted);
        }
    }

    /** The current estimate, empty when no round with drafted tokens was recorded for this key. */
    public Optional<AcceptanceSnapshot> snapshot(String tenant, Route route) {
        PositionalAcceptance counts = byKey.get(new Key(tenant, route));
        if (counts == null) {
            return Optional.empty();
        }
        PositionalAcceptance copy;
        synchronized (counts) {
            copy = counts.copy();
        }
        if (copy.effectiveRounds() == 0) {
            return Optional.empty();
        }
        return Optional.of(new AcceptanceSnapshot(copy.tokenAcceptance(), copy.effectiveRounds(), copy));
    }

    /** Forgets a tenant (e.g. when it is removed from the policy). */
    public void forget(String tenant) {
        byKey.keySet().removeIf(key -> key.tenant().equals(tenant));
    }
}
