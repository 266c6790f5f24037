package dev.specgate.gateway.backend;

import dev.specgate.gateway.decode.VerifierChannel;
import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.stub.StreamObserver;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Several verifier replicas as one channel. A session always goes to the same replica (by its id's hash),
 * because the replica holds the session's KV cache; a replica that lost a session answers NOT_FOUND and the
 * decode loop resends the prefix.
 */
public final class ShardedVerifierChannel implements VerifierChannel {
    private final List<VerifierChannel> replicas;

    public ShardedVerifierChannel(List<VerifierChannel> replicas) {
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("no verifier replicas");
        }
        this.replicas = List.copyOf(replicas);
    }

    private VerifierChannel replica(String sessionId) {
        return replicas.get(Math.floorMod(sessionId.hashCode(), replicas.size()));
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(VerifyRequest request) {
        return replica(request.getSessionId()).verify(request);
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        replica(request.getSessionId()).generate(request, observer);
    }

    /** The first replica's info: replicas serve the same model. */
    @Override
    public CompletableFuture<ModelInfo> info() {
        return replicas.getFirst().info();
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        return replica(request.getSessionId()).release(request);
    }

    @Override
    public void resetConnectBackoff() {
        replicas.forEach(VerifierChannel::resetConnectBackoff);
    }

    @Override
    public void close() {
        replicas.forEach(VerifierChannel::close);
    }
}
