package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;

/**
 * Where the verifier runs: in this process ({@link InProcessVerifierChannel}) or behind gRPC
 * ({@link GrpcVerifierChannel}). Mirrors VerifierService; failures are {@link io.grpc.StatusRuntimeException}s
 * (completing the future, or passed to {@code onError}).
 */
public interface VerifierChannel extends AutoCloseable {

    CompletableFuture<VerifyResponse> verify(VerifyRequest request);

    /** Verifier-only generation, streamed. */
    void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer);

    CompletableFuture<ModelInfo> info();

    CompletableFuture<ReleaseResponse> release(ReleaseRequest request);

    /** Reconnects at once if the connection is waiting out a backoff (a worker that was down may be up now). */
    default void resetConnectBackoff() {
    }

    /** Frees what the channel owns (a gRPC channel); never the engine it was given. */
    @Override
    default void close() {
    }
}
