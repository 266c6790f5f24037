package dev.specgate.gateway.decode;

import dev.specgate.proto.v1.ModelInfo;
import dev.specgate.proto.v1.ProposeRequest;
import dev.specgate.proto.v1.ProposeResponse;
import dev.specgate.proto.v1.ReleaseRequest;
import dev.specgate.proto.v1.ReleaseResponse;

import java.util.concurrent.CompletableFuture;

/**
 * Where the draft runs: in this process ({@link InProcessDraftChannel}) or behind gRPC ({@link GrpcDraftChannel}).
 *
 * <p>Asynchronous, like {@link VerifierChannel}, for two reasons: a remote draft is a network call that should
 * not pin a thread on an event-loop gateway, and a caller may want to overlap a proposal with other work (e.g.
 * propose for the next round while a verdict is in flight, or race two replicas). {@link SpeculativeDecoder}
 * itself simply waits on each future; it is meant to run on a (virtual) thread of its own per generation.
 * Failures complete the future with a {@link io.grpc.StatusRuntimeException}.
 */
public interface DraftChannel extends AutoCloseable {

    CompletableFuture<ProposeResponse> propose(ProposeRequest request);

    CompletableFuture<ModelInfo> info();

    CompletableFuture<ReleaseResponse> release(ReleaseRequest request);

    /** Frees what the channel owns (a gRPC channel); never the engine it was given. */
    @Override
    default void close() {
    }
}
