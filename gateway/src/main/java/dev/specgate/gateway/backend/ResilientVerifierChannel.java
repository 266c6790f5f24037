package dev.specgate.gateway.backend;

import dev.specgate.gateway.GatewayConfig;
import dev.specgate.gateway.decode.GrpcErrors;
import dev.specgate.gateway.decode.VerifierChannel;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import dev.specgate.routing.BreakerState;
import dev.specgate.routing.SystemSignals;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The verifier as the gateway trusts it: every round goes through a circuit breaker, a time limit and a retry
 * (rounds are idempotent by round number, so a retried round never applies twice). A round that still fails —
 * or is refused because the breaker is open — fails fast, and the backend continues the generation on the draft.
 * Also feeds the per-round metrics, the current generation's {@link RoundStats} and the routing signals
 * ({@link #signals()}: breaker state, recent round trip, the verifier's reported queue depth), and probes the
 * verifier while the breaker is half-open.
 */
public final class ResilientVerifierChannel implements VerifierChannel {
    /** How soon a half-open probe looks again when the trial calls were taken by rounds. */
    private static final long PROBE_RETRY_MILLIS = 50;
    private final VerifierChannel delegate;
    private final CircuitBreaker breaker;
    private final TimeLimiter timeLimiter;
    private final Retry retry;
    private final ScheduledExecutorService scheduler;
    private final GatewayMetrics metrics;
    private final VerifierHealth health;

    public ResilientVerifierChannel(VerifierChannel delegate, GatewayConfig.Resilience config,
                                    ScheduledExecutorService scheduler, GatewayMetrics metrics) {
        this.delegate = delegate;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.health = new VerifierHealth(config.openWaitMs);
        this.breaker = CircuitBreaker.of("verifier", CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRateThreshold)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.slidingWindow)
                .minimumNumberOfCalls(config.minimumCalls)
                .waitDurationInOpenState(Duration.ofMillis(config.openWaitMs))
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.timeLimiter = TimeLimiter.of(TimeLimiterConfig.custom()
                .timeoutDuration(timeLimit(config.roundTimeoutMs)).cancelRunningFuture(true).build());
        this.retry = Retry.of("verifier", RetryConfig.custom()
                .maxAttempts(1 + Math.max(0, config.retries))
                .waitDuration(Duration.ofMillis(Math.max(1, config.retryWaitMs)))
                .retryOnException(ResilientVerifierChannel::transientFailure)
                .build());
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.HALF_OPEN) {
                // gRPC waits ever longer (up to minutes) before reconnecting to a dead address; without this the
                // probe calls would fail fast on the old backoff long after the verifier is back
                delegate.resetConnectBackoff();
                probeLater(0);
            }
            metrics.circuitBreakerState(switch (to) {
                case OPEN, FORCED_OPEN -> GatewayMetrics.BREAKER_OPEN;
                case HALF_OPEN -> GatewayMetrics.BREAKER_HALF_OPEN;
                default -> GatewayMetrics.BREAKER_CLOSED;
            });
        });
    }

    /**
     * The breaker's trial calls while half-open. The routing policy sends no request to an unreachable verifier
     * (half-open included), so requests cannot be the trial calls: Info calls are, one after another, until the
     * breaker has closed (the verifier answers) or opened again (it does not; the next half-open probes anew).
     */
    private void probe() {
        if (breaker.getState() != CircuitBreaker.State.HALF_OPEN) {
            return;
        }
        if (!breaker.tryAcquirePermission()) {
            // The trial calls are taken (by rounds of a generation that started before the breaker opened):
            // look again shortly in case they do not settle it.
            probeLater(PROBE_RETRY_MILLIS);
            return;
        }
        long start = System.nanoTime();
        CompletionStage<ModelInfo> call;
        try {
            call = timeLimiter.executeCompletionStage(scheduler, delegate::info);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((info, failure) -> {
            record(start, failure);
            probeLater(0);
        });
    }

    private void probeLater(long millis) {
        try {
            scheduler.schedule(this::probe, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the gateway is closing
        }
    }

    /** The breaker as the routing policy sees it: only CLOSED counts as reachable. */
    public BreakerState breakerState() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> BreakerState.OPEN;
            case HALF_OPEN -> BreakerState.HALF_OPEN;
            default -> BreakerState.CLOSED;
        };
    }

    /** Breaker state, recent round trip and reported queue depth, for routing. */
    public SystemSignals signals() {
        return health.signals(breakerState());
    }

    /**
     * The time limit of one attempt: a little longer (10 %, at least 50 ms) than {@code round_timeout_ms}, which is
     * the deadline the channel gives each round on its replica. The replica's own timeout comes first, where the
     * replica channel can react to it (move the session); the limiter bounds channels that have no deadline.
     */
    static Duration timeLimit(long roundTimeoutMs) {
        return Duration.ofMillis(roundTimeoutMs + Math.max(50, roundTimeoutMs / 10));
    }

    /** False while the breaker is open (the verifier failed recently and is not being called). */
    public boolean available() {
        CircuitBreaker.State state = breaker.getState();
        return state != CircuitBreaker.State.OPEN && state != CircuitBreaker.State.FORCED_OPEN;
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(VerifyRequest request) {
        RoundStats stats = RoundStats.CURRENT.get(); // captured on the decode thread
        long start = System.nanoTime();
        Supplier<CompletionStage<VerifyResponse>> guarded = Retry.decorateCompletionStage(retry, scheduler,
                () -> attempt(request));
        return guarded.get().toCompletableFuture().thenApply(response -> {
            long nanos = System.nanoTime() - start;
            metrics.round(request.getDraftTokensCount(), response.getAccepted(), nanos);
            health.round(nanos, response.getQueueDepth());
            if (stats != null) {
                stats.round(request.getDraftTokensCount(), response.getAccepted());
            }
            return response;
        });
    }

    /** One call: refused when the breaker is open, failed when slower than the round time limit. */
    private CompletionStage<VerifyResponse> attempt(VerifyRequest request) {
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(CallNotPermittedException.createCallNotPermittedException(breaker));
        }
        long start = System.nanoTime();
        CompletionStage<VerifyResponse> call;
        try {
            call = timeLimiter.executeCompletionStage(scheduler, () -> delegate.verify(request));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.whenComplete((response, failure) -> record(start, failure));
    }

    private void record(long start, Throwable failure) {
        long nanos = System.nanoTime() - start;
        Throwable cause = GrpcErrors.unwrap(failure);
        if (cause == null || !healthFailure(cause)) {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS); // answered: the worker is alive
        } else {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, cause);
        }
    }

    /** Verifier-only streams pass the breaker too, but have no per-round time limit (gRPC's deadline applies). */
    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        if (!breaker.tryAcquirePermission()) {
            observer.onError(CallNotPermittedException.createCallNotPermittedException(breaker));
            return;
        }
        long start = System.nanoTime();
        delegate.generate(request, new StreamObserver<>() {
            private boolean recorded;

            @Override
            public void onNext(GenerateResponse value) {
                if (!recorded) {
                    recorded = true;
                    record(start, null);
                }
                observer.onNext(value);
            }

            @Override
            public void onError(Throwable t) {
                if (!recorded) {
                    recorded = true;
                    record(start, t);
                }
                observer.onError(t);
            }

            @Override
            public void onCompleted() {
                if (!recorded) {
                    recorded = true;
                    record(start, null);
                }
                observer.onCompleted();
            }
        });
    }

    @Override
    public CompletableFuture<ModelInfo> info() {
        return delegate.info();
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        return delegate.release(request);
    }

    @Override
    public void resetConnectBackoff() {
        delegate.resetConnectBackoff();
    }

    /** Keeps the breaker open (no verifier calls) until {@link #closeBreaker}: the verifier never answered. */
    void holdOpen() {
        breaker.transitionToForcedOpenState();
    }

    /** The verifier answered: let calls through again. */
    void closeBreaker() {
        breaker.transitionToClosedState();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Failures worth another attempt: the worker may answer next time. */
    private static boolean transientFailure(Throwable failure) {
        Throwable cause = GrpcErrors.unwrap(failure);
        if (cause instanceof TimeoutException) {
            return true;
        }
        return cause instanceof StatusRuntimeException s && switch (s.getStatus().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> true;
            default -> false;
        };
    }

    /** Failures that say the verifier is unhealthy (as opposed to a request it rightly refused). */
    private static boolean healthFailure(Throwable cause) {
        if (cause instanceof StatusRuntimeException s) {
            Status.Code code = s.getStatus().getCode();
            return code != Status.Code.NOT_FOUND && code != Status.Code.INVALID_ARGUMENT
                    && code != Status.Code.OUT_OF_RANGE;
        }
        return true;
    }
}
