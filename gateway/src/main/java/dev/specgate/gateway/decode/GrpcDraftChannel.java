package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.DraftServiceGrpc;
import dev.specgate.proto.v1.InfoRequest;
import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;
import io.grpc.ManagedChannel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A draft worker behind gRPC; every call gets its own deadline. */
public final class GrpcDraftChannel implements DraftChannel {
    private final ManagedChannel channel;
    private final boolean ownsChannel;
    private final DraftServiceGrpc.DraftServiceFutureStub stub;
    private final long deadlineMillis;

    /** Uses {@code channel} without taking ownership (close() leaves it open). */
    public GrpcDraftChannel(ManagedChannel channel, Duration callDeadline) {
        this(channel, false, callDeadline);
    }

    private GrpcDraftChannel(ManagedChannel channel, boolean ownsChannel, Duration callDeadline) {
        this.channel = channel;
        this.ownsChannel = ownsChannel;
        this.stub = DraftServiceGrpc.newFutureStub(channel);
        this.deadlineMillis = callDeadline.toMillis();
    }

    /** Opens (and owns) a plaintext channel to {@code host:port}. */
    public static GrpcDraftChannel connect(String target, Duration callDeadline) {
        return owning(GrpcConnector.plaintext().open(target), callDeadline);
    }

    /** Takes ownership of {@code channel} (closed with this). */
    public static GrpcDraftChannel owning(ManagedChannel channel, Duration callDeadline) {
        return new GrpcDraftChannel(channel, true, callDeadline);
    }

    private DraftServiceGrpc.DraftServiceFutureStub withDeadline() {
        return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<ProposeResponse> propose(ProposeRequest request) {
        return GrpcCalls.toCompletable(withDeadline().propose(request));
    }

    @Override
    public CompletableFuture<ModelInfo> info() {
        return GrpcCalls.toCompletable(withDeadline().info(InfoRequest.getDefaultInstance()));
    }

    @Override
    public CompletableFuture<ReleaseResponse> release(ReleaseRequest request) {
        return GrpcCalls.toCompletable(withDeadline().release(request));
    }

    @Override
    public void close() {
        if (ownsChannel) {
            GrpcCalls.shutdown(channel);
        }
    }
}
