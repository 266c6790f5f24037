package dev.specgate.gateway.backend;

import dev.specgate.gateway.decode.DraftChannel;
import dev.specgate.gateway.decode.GrpcErrors;
import dev.specgate.gateway.decode.SpeculativeDecoder;
import dev.specgate.gateway.decode.TokenizerMismatchException;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The decoders that need the verifier, created once it has answered Info (and its tokenizer matched the draft's).
 * A verifier that is down when the gateway starts does not stop it: {@link #current()} is null, requests run
 * draft-only with {@code fallback: true}, the breaker is held open (readiness reports it unreachable), and a
 * background probe asks again every {@code probeMillis} until the verifier answers.
 */
public final class VerifierLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VerifierLink.class.getName());

    /** Speculative (draft + verifier) and verifier-only decoding on the same verifier. */
    public record Decoders(SpeculativeDecoder speculative, SpeculativeDecoder verifierOnly) {
    }

    private final DraftChannel draft;
    private final ResilientVerifierChannel verifier;
    private volatile Decoders decoders;
    private volatile ScheduledFuture<?> probe;
    private String lastProblem;

    public VerifierLink(DraftChannel draft, ResilientVerifierChannel verifier) {
        this.draft = draft;
        this.verifier = verifier;
    }

    /**
     * Asks the verifier for its info now. True when connected. A verifier that answers with another tokenizer
     * throws {@link TokenizerMismatchException} (a configuration error, not an outage).
     */
    public boolean connectNow() {
        try {
            decoders = connect();
            return true;
        } catch (TokenizerMismatchException e) {
            throw e;
        } catch (RuntimeException e) {
            verifier.holdOpen();
            note("verifier not reachable (" + GrpcErrors.describe(e) + "); serving draft-only until it answers");
            return false;
        }
    }

    /** Probes in the background until connected (call after a failed {@link #connectNow}). */
    public void keepTrying(ScheduledExecutorService scheduler, long probeMillis) {
        long period = Math.max(50, probeMillis);
        probe = scheduler.scheduleWithFixedDelay(this::probeOnce, period, period, TimeUnit.MILLISECONDS);
    }

    private void probeOnce() {
        if (decoders != null) {
            ScheduledFuture<?> p = probe;
            if (p != null) {
                p.cancel(false);
            }
            return;
        }
        verifier.resetConnectBackoff(); // a channel that never connected waits ever longer between attempts
        try {
            Decoders connected = connect();
            verifier.closeBreaker(); // before requests can see the decoders, so none is refused by the breaker
            decoders = connected;
            LOG.log(System.Logger.Level.INFO, "verifier " + connected.speculative().verifierInfo().getModel()
                    + " is reachable: speculating");
        } catch (RuntimeException e) {
            note(e instanceof TokenizerMismatchException
                    ? "verifier refused: " + e.getMessage()
                    : "verifier still not reachable (" + GrpcErrors.describe(e) + ")");
        }
    }

    private Decoders connect() {
        SpeculativeDecoder speculative = SpeculativeDecoder.create(draft, verifier);
        return new Decoders(speculative, SpeculativeDecoder.verifierOnly(verifier));
    }

    /** Logs a problem once (not again on every probe while it lasts). */
    private synchronized void note(String problem) {
        String kind = problem.replaceAll("\\(.*", "");
        if (!kind.equals(lastProblem)) {
            lastProblem = kind;
            LOG.log(System.Logger.Level.WARNING, problem);
        }
    }

    /** The decoders, or null while the verifier has never answered. */
    public Decoders current() {
        return decoders;
    }

    @Override
    public void close() {
        ScheduledFuture<?> p = probe;
        if (p != null) {
            p.cancel(false);
        }
    }
}
