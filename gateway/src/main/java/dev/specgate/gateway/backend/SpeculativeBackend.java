package dev.specgate.gateway.backend;

import dev.specgate.draft.SamplingParamsProto;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.DecodeMode;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.decode.DecodeRequest;
import dev.specgate.gateway.decode.GrpcErrors;
import dev.specgate.gateway.decode.SpeculativeDecoder;
import dev.specgate.gateway.metrics.GatewayMetrics;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Speculative and verifier-only generation through the decode package, with the draft as the safety net.
 *
 * <p>Each generation runs the decode loop on a virtual thread of its own. Tokens reach the listener as the
 * verifier commits them. If the verifier fails (round timeout, breaker open, connection lost) the loop throws;
 * the committed tokens are exactly those already delivered, so the generation continues draft-only from the
 * last committed token: no error, nothing lost or repeated, {@code fallback: true} in the report. A bulkhead
 * bounds the generations using the verifier at once; past it, requests run draft-only. Until the verifier has
 * answered at all (it was down when the gateway started; see {@link VerifierLink}) every request runs draft-only.
 */
public final class SpeculativeBackend implements CompletionBackend {
    private static final System.Logger LOG = System.getLogger(SpeculativeBackend.class.getName());
    private final FallbackLog fallbackLog = FallbackLog.to(LOG);

    private final Draft draft;
    private final ExecutorService decodeThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final VerifierLink link;
    private final ResilientVerifierChannel verifier;
    private final Bulkhead sessions;
    private final GatewayMetrics metrics;
    private final DecodeMode defaultMode;
    private final int k;

    public SpeculativeBackend(Draft draft, VerifierLink link, ResilientVerifierChannel verifier, int maxSessions,
                              GatewayMetrics metrics, DecodeMode defaultMode, int k) {
        this.draft = draft;
        this.link = link;
        this.verifier = verifier;
        this.sessions = Bulkhead.of("verifier-sessions", BulkheadConfig.custom()
                .maxConcurrentCalls(maxSessions).maxWaitDuration(Duration.ZERO).build());
        this.metrics = metrics;
        this.defaultMode = defaultMode;
        this.k = k;
    }

    @Override
    public GenerationHandle generate(GenerationRequest request, GenerationListener listener) {
        DecodeMode mode = request.forcedMode() != null ? request.forcedMode() : defaultMode;
        if (mode == DecodeMode.DRAFT_ONLY) {
            return draftOnly(request.promptIds(), request.maxTokens(), request, listener,
                    produced -> SpeculationReport.draftOnly(false));
        }
        VerifierLink.Decoders decoders = link.current();
        if (decoders == null || !sessions.tryAcquirePermission()) {
            metrics.fallback();
            return draftOnly(request.promptIds(), request.maxTokens(), request, listener,
                    produced -> SpeculationReport.draftOnly(true));
        }
        VerifiedGeneration generation = new VerifiedGeneration(request, listener, mode, decoders);
        decodeThreads.execute(generation::run);
        return generation;
    }

    private GenerationHandle draftOnly(int[] prefix, int maxTokens, GenerationRequest request,
                                       GenerationListener listener,
                                       java.util.function.LongFunction<SpeculationReport> report) {
        return draft.generate(prefix, maxTokens, request.sampling(), listener, metrics, report);
    }

    /** One generation through the verifier, which may hand over to the draft half-way. */
    private final class VerifiedGeneration implements GenerationHandle {
        private final GenerationRequest request;
        private final GenerationListener listener;
        private final DecodeMode mode;
        private final VerifierLink.Decoders decoders;
        private final RoundStats stats = new RoundStats();
        private int[] committed = new int[0];
        private volatile boolean cancelled;
        private volatile GenerationHandle fallback;
        private Thread runner;

        VerifiedGeneration(GenerationRequest request, GenerationListener listener, DecodeMode mode,
                           VerifierLink.Decoders decoders) {
            this.request = request;
            this.listener = listener;
            this.mode = mode;
            this.decoders = decoders;
        }

        @Override
        public void cancel() {
            cancelled = true;
            GenerationHandle f = fallback;
            if (f != null) {
                f.cancel();
            }
        }

        void run() {
            runner = Thread.currentThread();
            RoundStats.CURRENT.set(stats);
            Throwable failure = null;
            try {
                SpeculativeDecoder decoder = mode == DecodeMode.VERIFIER_ONLY ? decoders.verifierOnly()
                        : decoders.speculative();
                decoder.generate(new DecodeRequest(request.promptIds(), request.maxTokens(),
                        SamplingParamsProto.toProto(request.sampling()), k), this::commit);
            } catch (Cancelled c) {
                // the client is gone or a stop sequence matched: report what was done
            } catch (RuntimeException | Error e) {
                failure = e;
            } finally {
                RoundStats.CURRENT.remove();
                sessions.onComplete();
            }
            if (failure == null) {
                listener.onComplete(report(mode, false));
                return;
            }
            continueOnDraft(failure);
        }

        /** Tokens the verifier committed, delivered at once; a cancelled generation stops its own loop here. */
        private void commit(int[] tokens) {
            if (cancelled && Thread.currentThread() == runner) {
                throw new Cancelled();
            }
            synchronized (this) {
                int old = committed.length;
                committed = Arrays.copyOf(committed, old + tokens.length);
                System.arraycopy(tokens, 0, committed, old, tokens.length);
            }
            metrics.generated(mode.wireName(), tokens.length);
            listener.onTokens(tokens);
        }

        private void continueOnDraft(Throwable failure) {
            int[] done;
            synchronized (this) {
                done = committed;
            }
            int remaining = request.maxTokens() - done.length;
            boolean ended = done.length > 0 && done[done.length - 1] == draft.tokenizer().eos();
            metrics.fallback();
            fallbackLog.fellBack(request.id(), done.length, GrpcErrors.describe(failure));
            if (cancelled || ended || remaining <= 0) {
                listener.onComplete(report(DecodeMode.DRAFT_ONLY, true));
                return;
            }
            int[] prefix = Arrays.copyOf(request.promptIds(), request.promptIds().length + done.length);
            System.arraycopy(done, 0, prefix, request.promptIds().length, done.length);
            fallback = draftOnly(prefix, remaining, request, listener,
                    produced -> report(DecodeMode.DRAFT_ONLY, true));
            if (cancelled) {
                fallback.cancel();
            }
        }

        private SpeculationReport report(DecodeMode endMode, boolean fellBack) {
            return new SpeculationReport(endMode, stats.rounds.get(), stats.drafted.get(), stats.accepted.get(),
                    fellBack);
        }
    }

    /** Thrown from the token sink to stop a cancelled decode loop (on its own thread only). */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    @Override
    public Tokenizer tokenizer() {
        return draft.tokenizer();
    }

    @Override
    public int contextLength() {
        VerifierLink.Decoders decoders = link.current();
        return decoders == null ? draft.contextLength()
                : Math.min(draft.contextLength(), decoders.speculative().verifierInfo().getContextLength());
    }

    @Override
    public String chatTemplate() {
        return draft.chatTemplate();
    }

    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public boolean verifierReachable() {
        return link.current() != null && verifier.available();
    }

    @Override
    public boolean hasVerifier() {
        return true;
    }

    @Override
    public void close() {
        decodeThreads.shutdownNow();
    }
}
