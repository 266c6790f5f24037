package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.GenerateRequest;
import dev.specgate.proto.v1.GenerateResponse;
import dev.specgate.proto.v1.InfoRequest;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import dev.specgate.proto.v1.VerifierServiceGrpc;
import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A verifier worker behind gRPC. Verify gets a per-round deadline (a round is one batched forward pass plus
 * queueing, so a late answer means a stuck or overloaded worker); Generate gets a deadline for the whole stream;
 * Info (asked at startup and by reconnection probes, over a connection that may still be opening) its own.
 */
public final class GrpcVerifierChannel implements VerifierChannel {
    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final long roundDeadlineMillis;
    private final long generateDeadlineMillis;
    private final long infoDeadlineMillis;

    public GrpcVerifierChannel(ManagedChannel channel, Duration roundDeadline, Duration generateDeadline) {
        this(channel, false, roundDeadline, generateDeadline, roundDeadline);
    }

    private GrpcVerifierChannel(ManagedChannel channel, boolean ownsChannel, Duration roundDeadline,
                                Duration generateDeadline, Duration infoDeadline) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.roundDeadlineMillis = roundDeadline.toMillis();
        this.generateDeadlineMillis = generateDeadline.toMillis();
        this.infoDeadlineMillis = infoDeadline.toMillis();
    }

    /** Opens (and owns) a plaintext channel to {@code host:port}; Info gets the round deadline. */
    public static GrpcVerifierChannel connect(String target, Duration roundDeadline, Duration generateDeadline) {
        return owning(GrpcConnector.plaintext().open(target), roundDeadline, generateDeadline, roundDeadline);
    }

    /** Takes ownership of {@code channel} (closed with this). */
    public static GrpcVerifierChannel owning(ManagedChannel channel, Duration roundDeadline, Duration generateDeadline,
                                             Duration infoDeadline) {
        return new GrpcVerifierChannel(channel, true, roundDeadline, generateDeadline, infoDeadline);
    }

    private VerifierServiceGrpc.VerifierServiceFutureStub futureStub() {
        return VerifierServiceGrpc.newFutureStub(channel).withDeadlineAfter(roundDeadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<VerifyResponse> verify(VerifyRequest request) {
        return GrpcCalls.toCompletable(futureStub().verify(request));
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        VerifierServiceGrpc.newStub(channel).withDeadlineAfter(generateDeadlineMillis, TimeUnit.MILLISECONDS)
                .generate(request, observer);
    }

    @Override
    public CompletableFuture<ModelInfo> info() {
        return GrpcCalls.toCompletable(VerifierServiceGrpc.newFutureStub(channel)
                .withDeadlineAfter(infoDeadlineMillis, TimeUnit.MILLISECONDS).info(InfoRequest.getDefaultInstance()));
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        return GrpcCalls.toCompletable(futureStub().release(request));
    }

    @Override
    public void resetConnectBackoff() {
        channel.resetConnectBackoff();
    }

    @Override
    public void close() {
        if (ownsChannel) {
            GrpcCalls.shutdown(channel);
        }
    }
}
