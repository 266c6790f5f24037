package dev.specgate.gateway.replicas;

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
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * Verifier replicas as one channel, with session affinity and failover. A session sticks to the replica it was
 * placed on (that replica holds its KV cache). When the replica cannot be reached under it (connection lost or
 * refused, replica shutting down) the replica is marked down and the session moves to another usable replica:
 * the round is answered NOT_FOUND, which makes the decode loop resend the committed prefix (offset 0) — to the new
 * replica — so the output goes on exactly as if nothing happened. Sessions still on a down replica move on their
 * next round. A replica that is only slow (a round past its deadline) is marked down for new sessions but keeps
 * the session for the round's retry, since it may be just cold or busy and about to answer; if the same round
 * times out there again, the session moves. Only when no other replica is usable does the failure reach the
 * caller (and the generation fall back to the draft). A down replica is a preference, not a ban: with nothing
 * better, it is still tried.
 *
 * <p>Verifier-only streams move only if their replica fails before the first token; later failures end the
 * stream (the backend continues it on the draft).
 */
public final class FailoverVerifierChannel implements VerifierChannel {
    private static final System.Logger LOG = System.getLogger(FailoverVerifierChannel.class.getName());

    private final ReplicaPool pool;
    private final ReplicaResolver resolver;
    private final GatewayMetrics metrics;
    private final ConcurrentMap<String, VerifierReplica> sessions = new ConcurrentHashMap<>();
    /** The last round of each session that timed out, and where. */
    private final ConcurrentMap<String, TimedOut> timedOutRounds = new ConcurrentHashMap<>();

    private record TimedOut(long round, VerifierReplica replica) {
    }

    private FailoverVerifierChannel(ReplicaPool pool, ReplicaResolver resolver, GatewayMetrics metrics) {
        this.pool = pool;
        this.resolver = resolver;
        this.metrics = metrics;
        metrics.replicas(() -> pool.all().size() - pool.down(), pool::down);
    }

    /**
     * Resolves {@code addresses} (with {@code resolver}) into replicas, each reached through {@code connector}; a
     * replica that fails is avoided by new sessions for {@code downTime}. Call {@link #resolveEvery} to follow
     * address changes.
     */
    public static FailoverVerifierChannel open(List<VerifierAddress> addresses, AddressResolver resolver,
                                               ReplicaResolver.Connector connector, Duration downTime,
                                               GatewayMetrics metrics) {
        ReplicaPool pool = new ReplicaPool(downTime);
        ReplicaResolver replicas = new ReplicaResolver(addresses, resolver, connector, pool);
        replicas.refresh();
        return new FailoverVerifierChannel(pool, replicas, metrics);
    }

    /** Resolves the addresses again every {@code periodMillis} (0: never). */
    public void resolveEvery(ScheduledExecutorService scheduler, long periodMillis) {
        resolver.refreshEvery(scheduler, periodMillis);
    }

    /** The replicas' addresses ({@code ip:port}) now. */
    public List<String> replicaAddresses() {
        return pool.all().stream().map(VerifierReplica::address).toList();
    }

    /** The replica of the session: its own while usable, else a usable one, else whatever is left (or null). */
    private VerifierReplica route(String sessionId) {
        VerifierReplica current = sessions.get(sessionId);
        if (current != null && current.keepsSessions()) {
            return current;
        }
        VerifierReplica next = pool.pick(current);
        if (next == null) {
            if (current != null) {
                return current;
            }
            List<VerifierReplica> any = pool.preferred();
            next = any.isEmpty() ? null : any.getFirst();
            if (next == null) {
                return null;
            }
        }
        place(sessionId, current, next);
        return next;
    }

    private void place(String sessionId, VerifierReplica from, VerifierReplica to) {
        sessions.put(sessionId, to);
        to.sessionAdded();
        if (from != null) {
            from.sessionRemoved();
            metrics.failover();
            // Best effort: a replica that only stalled frees the session's KV cache now rather than at its TTL.
            from.channel().release(ReleaseRequest.newBuilder().setSessionId(sessionId).build())
                    .exceptionally(e -> null);
        }
    }

    /** The session's replica cannot be reached: marks it down and moves the session; the new replica, or null. */
    private VerifierReplica failed(String sessionId, VerifierReplica replica, Throwable failure) {
        markDown(replica, failure, "moving its " + replica.sessions() + " sessions to other replicas");
        VerifierReplica next = pool.pick(replica);
        if (next != null && sessions.get(sessionId) == replica) {
            place(sessionId, replica, next);
        }
        return next;
    }

    private void markDown(VerifierReplica replica, Throwable failure, String consequence) {
        if (pool.markDown(replica)) {
            LOG.log(System.Logger.Level.WARNING, "verifier replica " + replica + " failed ("
                    + GrpcErrors.describe(failure) + "); " + consequence);
        }
    }

    private void markSlow(VerifierReplica replica, Throwable failure) {
        if (pool.markSlow(replica)) {
            LOG.log(System.Logger.Level.WARNING, "verifier replica " + replica + " is slow ("
                    + GrpcErrors.describe(failure) + "); no new sessions on it for now");
        }
    }

    /** True if this round of the session already timed out once on this replica (remembers it otherwise). */
    private boolean timedOutBefore(VerifyRequest request, VerifierReplica replica) {
        TimedOut now = new TimedOut(request.getRound(), replica);
        return now.equals(timedOutRounds.put(request.getSessionId(), now));
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(VerifyRequest request) {
        Round round = new Round(request);
        round.send();
        return round;
    }

    /**
     * One verification round, possibly sent twice: a round carrying the whole prefix (offset 0) whose replica cannot
     * be reached is sent as is to the next one. The round's caller (the time limiter) completing it with a
     * {@link TimeoutException} counts as a slow replica.
     */
    private final class Round extends CompletableFuture<VerifyResponse> {
        private final VerifyRequest request;
        private volatile VerifierReplica replica;
        private volatile CompletableFuture<VerifyResponse> call;

        Round(VerifyRequest request) {
            this.request = request;
        }

        void send() {
            VerifierReplica r = route(request.getSessionId());
            if (r == null) {
                super.completeExceptionally(noReplica());
                return;
            }
            replica = r;
            CompletableFuture<VerifyResponse> c = r.channel().verify(request);
            call = c;
            c.whenComplete((response, failure) -> {
                if (failure == null) {
                    complete(response);
                } else if (!isDone()) {
                    onFailure(r, failure);
                }
            });
        }

        private void onFailure(VerifierReplica r, Throwable failure) {
            switch (kind(failure)) {
                case REQUEST -> super.completeExceptionally(failure);
                case UNREACHABLE -> moveOn(r, failure);
                case SLOW -> {
                    if (timedOutBefore(request, r)) {
                        movedAfterTimeout(r, failure);
                    } else {
                        markSlow(r, failure);
                        super.completeExceptionally(failure); // retried on the same replica: it may answer now
                    }
                }
            }
        }

        /** The same round timed out twice on the session's replica: resend it elsewhere with a new time budget. */
        private void movedAfterTimeout(VerifierReplica r, Throwable failure) {
            VerifierReplica next = failed(request.getSessionId(), r, failure);
            if (next == null) {
                super.completeExceptionally(failure);
            } else {
                super.completeExceptionally(Status.NOT_FOUND.withDescription("session moved from verifier replica "
                        + r + " to " + next + " after two timeouts: resend the prefix").asRuntimeException());
            }
        }

        private void moveOn(VerifierReplica r, Throwable failure) {
            VerifierReplica next = failed(request.getSessionId(), r, failure);
            if (next == null) {
                super.completeExceptionally(failure);
            } else if (request.getCommittedOffset() == 0) {
                send(); // the whole prefix: the new replica can take the round as it is
            } else {
                super.completeExceptionally(Status.NOT_FOUND.withDescription("session moved from verifier replica "
                        + r + " to " + next + ": resend the prefix").asRuntimeException());
            }
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            boolean completed = super.completeExceptionally(ex);
            if (completed && ex instanceof TimeoutException) {
                abandon(ex);
            }
            return completed;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                abandon(new TimeoutException("round cancelled"));
            }
            return cancelled;
        }

        /** The caller gave up waiting: the call is cancelled, and new sessions avoid the slow replica for now. */
        private void abandon(Throwable why) {
            CompletableFuture<VerifyResponse> c = call;
            if (c != null) {
                c.cancel(true);
            }
            VerifierReplica r = replica;
            if (r != null) {
                timedOutBefore(request, r);
                markSlow(r, why);
            }
        }
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        VerifierReplica replica = route(request.getSessionId());
        if (replica == null) {
            observer.onError(noReplica());
            return;
        }
        replica.channel().generate(request, new StreamObserver<>() {
            private boolean started;

            @Override
            public void onNext(GenerateResponse value) {
                started = true;
                observer.onNext(value);
            }

            @Override
            public void onError(Throwable t) {
                if (kind(t) == Failure.UNREACHABLE && failed(request.getSessionId(), replica, t) != null && !started) {
                    generate(request, observer); // nothing was streamed yet: start over on the new replica
                    return;
                }
                observer.onError(t);
            }

            @Override
            public void onCompleted() {
                observer.onCompleted();
            }
        });
    }

    /** Asks the replicas in turn (usable ones first) until one answers. */
    @Override
    public CompletableFuture<ModelInfo> info() {
        if (pool.all().isEmpty()) {
            resolver.refresh(); // nothing resolved yet (e.g. no verifier pod was ready): look again now
        }
        return infoFrom(pool.preferred(), 0, null);
    }

    private CompletableFuture<ModelInfo> infoFrom(List<VerifierReplica> replicas, int i, Throwable last) {
        if (i >= replicas.size()) {
            return CompletableFuture.failedFuture(last != null ? last : noReplica());
        }
        return replicas.get(i).channel().info()
                .handle((info, failure) -> info != null ? CompletableFuture.completedFuture(info)
                        : infoFrom(replicas, i + 1, GrpcErrors.unwrap(failure)))
                .thenCompose(f -> f);
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        VerifierReplica replica = sessions.remove(request.getSessionId());
        if (replica == null) {
            return CompletableFuture.completedFuture(ReleaseResponse.getDefaultInstance());
        }
        replica.sessionRemoved();
        timedOutRounds.remove(request.getSessionId());
        return replica.channel().release(request);
    }

    @Override
    public void resetConnectBackoff() {
        pool.all().forEach(r -> r.channel().resetConnectBackoff());
    }

    /** Sessions placed on a replica right now (for tests and diagnostics). */
    int sessionsOn(String address) {
        return (int) sessions.values().stream().filter(r -> r.address().equals(address)).count();
    }

    @Override
    public void close() {
        resolver.close();
    }

    private StatusRuntimeException noReplica() {
        return Status.UNAVAILABLE.withDescription("no verifier replica: none of " + resolver.addresses()
                + " resolved to an address").asRuntimeException();
    }

    /** Why a call failed: the request itself, a replica that cannot be reached, or one that did not answer in time. */
    private enum Failure { REQUEST, UNREACHABLE, SLOW }

    private static Failure kind(Throwable failure) {
        Throwable cause = GrpcErrors.unwrap(failure);
        if (cause instanceof TimeoutException) {
            return Failure.SLOW;
        }
        if (cause instanceof StatusRuntimeException s) {
            return switch (s.getStatus().getCode()) {
                case UNAVAILABLE, CANCELLED -> Failure.UNREACHABLE;
                case DEADLINE_EXCEEDED -> Failure.SLOW;
                default -> Failure.REQUEST;
            };
        }
        return Failure.REQUEST;
    }
}
