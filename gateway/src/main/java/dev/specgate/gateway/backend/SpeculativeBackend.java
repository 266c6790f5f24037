package dev.specgate.gateway.backend;

import dev.specgate.draft.SamplingParamsProto;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.gateway.CompletionBackend;
import dev.specgate.gateway.DecodeMode;
import dev.specgate.gateway.GenerationHandle;
import dev.specgate.gateway.GenerationListener;
import dev.specgate.gateway.GenerationRequest;
import dev.specgate.gateway.KSummary;
import dev.specgate.gateway.SpeculationReport;
import dev.specgate.gateway.decode.DecodeRequest;
import dev.specgate.gateway.decode.GrpcErrors;
import dev.specgate.gateway.decode.SpeculationLength;
import dev.specgate.gateway.decode.SpeculativeDecoder;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.gateway.routing.AdaptiveSpeculation;
import dev.specgate.gateway.routing.GatewayRouting;
import dev.specgate.proto.v1.SamplingParams;
import dev.specgate.routing.Decision;
import dev.specgate.routing.Route;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongFunction;

/**
 * Routed generation: each request gets a routing decision, then runs draft-only (local), speculative (hybrid,
 * with adaptive k) or verifier-only (cloud) through the decode package, with the draft as the safety net.
 *
 * <p>Each generation runs on a virtual thread of its own: routing (which may read the prompt on the draft for
 * the entropy signal) and the decode loop. Tokens reach the listener as the verifier commits them. If the
 * verifier fails (round timeout, breaker open, connection lost) the loop throws; the committed tokens are exactly
 * those already delivered, so the generation continues draft-only from the last committed token: no error,
 * nothing lost or repeated, {@code fallback: true} in the report. A bulkhead bounds the generations using the
 * verifier at once; past it, requests run draft-only. Until the verifier has answered at all (it was down when
 * the gateway started; see {@link VerifierLink}) its breaker is held open, so every request routes local.
 */
public final class SpeculativeBackend implements CompletionBackend {
    private static final System.Logger LOG = System.getLogger(SpeculativeBackend.class.getName());
    private final FallbackLog fallbackLog = FallbackLog.to(LOG);
    /** Longest a speculative round waits for its tokens to be written before drafting again. */
    private static final long DELIVERY_WAIT_NANOS = 1_000_000;

    private final Draft draft;
    private final ExecutorService decodeThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final VerifierLink link;
    private final ResilientVerifierChannel verifier;
    private final Bulkhead sessions;
    private final GatewayMetrics metrics;
    private final GatewayRouting routing;
    private final RouteSelector selector;
    private final Double draftTemperature;

    /** @param draftTemperature the draft's temperature in speculative rounds; null = the request's */
    public SpeculativeBackend(Draft draft, VerifierLink link, ResilientVerifierChannel verifier, int maxSessions,
                              GatewayMetrics metrics, GatewayRouting routing, int entropyWindow,
                              Double draftTemperature) {
        this.draftTemperature = draftTemperature;
        this.draft = draft;
        this.link = link;
        this.verifier = verifier;
        this.sessions = Bulkhead.of("verifier-sessions", BulkheadConfig.custom()
                .maxConcurrentCalls(maxSessions).maxWaitDuration(Duration.ZERO).build());
        this.metrics = metrics;
        this.routing = routing;
        this.selector = new RouteSelector(routing, new DraftEntropyProbe(draft.channel(), entropyWindow));
    }

    @Override
    public GenerationHandle generate(GenerationRequest request, GenerationListener listener) {
        RoutedGeneration generation = new RoutedGeneration(request, listener);
        decodeThreads.execute(generation::run);
        return generation;
    }

    private GenerationHandle draftOnly(int[] prefix, int maxTokens, GenerationRequest request,
                                       GenerationListener listener, LongFunction<SpeculationReport> report) {
        return draft.generate(prefix, maxTokens, request.sampling(), listener, metrics, report);
    }

    /** One request from its routing decision to its end; cancellable at any point. */
    private final class RoutedGeneration implements GenerationHandle {
        private final GenerationRequest request;
        private final GenerationListener listener;
        private volatile boolean cancelled;
        private volatile GenerationHandle current;

        RoutedGeneration(GenerationRequest request, GenerationListener listener) {
            this.request = request;
            this.listener = listener;
        }

        @Override
        public void cancel() {
            cancelled = true;
            GenerationHandle c = current;
            if (c != null) {
                c.cancel();
            }
        }

        private void hand(GenerationHandle handle) {
            current = handle;
            if (cancelled) {
                handle.cancel();
            }
        }

        void run() {
            RouteSelector.Routed routed;
            try {
                routed = selector.route(request, verifier.signals());
            } catch (RuntimeException e) {
                listener.onError(e);
                return;
            }
            Decision decision = routed.decision();
            VerifierLink.Decoders decoders = link.current();
            if (decision.route() == Route.LOCAL) {
                if (routed.fallback()) {
                    metrics.fallback();
                }
                // The draft read the prompt to measure its entropy: the local answer goes on from there.
                hand(draft.generateAfterRead(request.promptIds(), routed.draftSession() ? routed.sessionId() : null,
                        request.maxTokens(), request.sampling(), listener, metrics,
                        produced -> SpeculationReport.draftOnly(decision.route(), decision.reason(), routed.fallback())));
            } else if (decoders == null || !sessions.tryAcquirePermission()) {
                selector.releaseDraftSession(routed);
                metrics.fallback();
                hand(draftOnly(request.promptIds(), request.maxTokens(), request, listener,
                        produced -> SpeculationReport.draftOnly(decision.route(), decision.reason(), true)));
            } else {
                if (decision.route() == Route.CLOUD) {
                    selector.releaseDraftSession(routed);
                }
                VerifiedGeneration generation = new VerifiedGeneration(request, listener, decision, decoders,
                        routed.sessionId());
                hand(generation);
                generation.run();
            }
        }
    }

    /** One generation through the verifier, which may hand over to the draft half-way. */
    private final class VerifiedGeneration implements GenerationHandle {
        private final GenerationRequest request;
        private final GenerationListener listener;
        private final Decision decision;
        private final DecodeMode mode;
        private final VerifierLink.Decoders decoders;
        private final String sessionId;
        private final AdaptiveSpeculation speculation;
        private final RoundStats stats = new RoundStats();
        private int[] committed = new int[0];
        private volatile boolean cancelled;
        private volatile GenerationHandle fallback;
        private Thread runner;

        VerifiedGeneration(GenerationRequest request, GenerationListener listener, Decision decision,
                           VerifierLink.Decoders decoders, String sessionId) {
            this.request = request;
            this.listener = listener;
            this.decision = decision;
            this.mode = DecodeMode.of(decision.route());
            this.decoders = decoders;
            this.sessionId = sessionId;
            this.speculation = mode == DecodeMode.SPECULATIVE ? routing.speculation(request.tenant(), decision) : null;
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
                int kMax = Math.max(1, decision.kBounds().max());
                SpeculationLength lengths = speculation != null ? speculation : SpeculationLength.fixed(kMax);
                SamplingParams sampling = SamplingParamsProto.toProto(request.sampling());
                SamplingParams draftSampling = draftTemperature == null ? sampling
                        : sampling.toBuilder().setTemperature(draftTemperature.floatValue()).build();
                decoder.generate(new DecodeRequest(request.promptIds(), request.maxTokens(), sampling, kMax, lengths,
                        sessionId, draftSampling), this::commit);
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
            if (mode == DecodeMode.SPECULATIVE) {
                // The next round drafts on this machine's cores: let the tokens reach the client first.
                listener.awaitDelivery(DELIVERY_WAIT_NANOS);
            }
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
            KSummary k = speculation != null ? speculation.summary() : KSummary.NONE;
            return new SpeculationReport(endMode, decision.route(), decision.reason(), stats.rounds.get(),
                    stats.drafted.get(), stats.accepted.get(), k, fellBack);
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
