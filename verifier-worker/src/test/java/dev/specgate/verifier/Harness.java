package dev.specgate.verifier;

import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.proto.v1.VerifierServiceGrpc;
import dev.specgate.proto.v1.VerifyRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** A real verifier: engine, gRPC server on a loopback port and a client channel to it. */
final class Harness implements AutoCloseable {
    /** Prompts from the shared reference set (kjv tokenizer ids); their greedy runs are free of near-ties. */
    static final int[][] PROMPTS = {
            {1043, 261, 2072, 391, 3307},
            {300, 261, 345, 828, 324, 690, 4049, 548, 4049},
            {1921, 425, 261, 1438, 290, 975},
            {455, 345, 339, 384, 2378},
            {300, 359, 478, 292, 603, 4049, 441, 261, 416, 776},
            {551, 394, 632, 324, 327, 1308, 4049},
            {450, 279, 712, 339, 261, 982, 4052, 785, 456, 857, 4062},
            {300, 261, 498, 271, 438},
    };

    private static Model model;

    /** The shared Q8_0 verifier, loaded once per test JVM (read-only, safe to share). */
    static synchronized Model model() {
        if (model == null) {
            try {
                model = Model.load(TestModels.path("kjv-verifier-14m-q8_0.gguf"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** What the verifier alone says: plain greedy generation, the baseline every test compares with. */
    static int[] greedy(int[] prompt, int tokens) {
        return Generator.generate(model(), prompt, tokens, SamplingParams.GREEDY).ids();
    }

    private final VerifierConfig config;
    VerifierEngine engine;
    VerifierServer server;
    final ManagedChannel channel;
    final VerifierServiceGrpc.VerifierServiceBlockingStub stub;
    final VerifierServiceGrpc.VerifierServiceFutureStub futures;

    Harness(VerifierConfig config) throws IOException {
        this.config = config;
        this.engine = new VerifierEngine(model(), config);
        this.server = VerifierServer.start(engine, 0);
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(16 << 20).build();
        this.stub = VerifierServiceGrpc.newBlockingStub(channel).withWaitForReady()
                .withDeadlineAfter(60, TimeUnit.SECONDS);
        this.futures = VerifierServiceGrpc.newFutureStub(channel);
    }

    Harness() throws IOException {
        this(VerifierConfig.defaults());
    }

    /** Stops the worker (all sessions lost) and starts a fresh one on the same port; the channel reconnects. */
    void restart() throws IOException {
        int port = server.port();
        server.shutdown(Duration.ofSeconds(5));
        engine.close();
        engine = new VerifierEngine(model(), config);
        server = VerifierServer.start(engine, port);
    }

    /** A greedy round request. */
    static VerifyRequest.Builder round(String session, long round, int offset, int[] committed, int[] drafts) {
        VerifyRequest.Builder b = VerifyRequest.newBuilder().setSessionId(session).setRound(round)
                .setCommittedOffset(offset);
        Arrays.stream(committed).forEach(b::addCommittedTokens);
        Arrays.stream(drafts).forEach(b::addDraftTokens);
        return b;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown(Duration.ofSeconds(5));
        engine.close();
    }
}
