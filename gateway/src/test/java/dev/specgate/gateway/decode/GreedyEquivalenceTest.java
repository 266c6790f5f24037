package dev.specgate.gateway.decode;

import dev.specgate.draft.DraftConfig;
import dev.specgate.draft.DraftEngine;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import io.grpc.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** Greedy speculative decoding reproduces verifier-only greedy output token for token. */
class GreedyEquivalenceTest {
    static final int MAX_TOKENS = 48;
    static final dev.specgate.proto.v1.SamplingParams GREEDY = dev.specgate.proto.v1.SamplingParams.getDefaultInstance();
    static Model draftModel;
    static Model verifierModel;
    static List<Fixtures.Reference> refs;
    static List<int[]> baseline = new ArrayList<>();

    @BeforeAll
    static void load() throws Exception {
        draftModel = Model.load(TestModels.path(Fixtures.DRAFT));
        verifierModel = Model.load(TestModels.path(Fixtures.VERIFIER));
        refs = Fixtures.references();
        for (Fixtures.Reference r : refs) {
            int[] ids = Generator.generate(verifierModel, r.promptIds(), MAX_TOKENS, SamplingParams.GREEDY).ids();
            // The baseline itself matches the independent float64 reference where that is free of near-ties.
            assertArrayEquals(Arrays.copyOf(r.greedyIds(), r.exactPrefix()), Arrays.copyOf(ids, r.exactPrefix()),
                    "verifier-only greedy vs reference for '" + r.prompt() + "'");
            baseline.add(ids);
        }
    }

    @AfterAll
    static void close() {
        if (draftModel != null) {
            draftModel.close();
        }
        if (verifierModel != null) {
            verifierModel.close();
        }
    }

    @Test
    void oneSessionAtATimeForEveryK() {
        try (DraftEngine draft = new DraftEngine(draftModel);
             VerifierEngine verifier = new VerifierEngine(verifierModel, VerifierConfig.defaults())) {
            SpeculativeDecoder decoder = SpeculativeDecoder.create(new InProcessDraftChannel(draft),
                    new InProcessVerifierChannel(verifier));
            for (int k : new int[] {1, 2, 4, 8}) {
                for (int i = 0; i < refs.size(); i++) {
                    List<int[]> streamed = new ArrayList<>();
                    DecodeResult r = decoder.generate(new DecodeRequest(refs.get(i).promptIds(), MAX_TOKENS, GREEDY, k),
                            streamed::add);
                    assertArrayEquals(baseline.get(i), r.ids(), "k=" + k + " prompt '" + refs.get(i).prompt() + "'");
                    assertArrayEquals(r.ids(), streamed.stream().flatMapToInt(Arrays::stream).toArray(),
                            "streamed batches are the output, each token once");
                    assertTrue(r.acceptedTokens() <= r.draftedTokens());
                    assertEquals(r.ids().length, r.rounds() * r.meanAcceptanceLength(), 1e-9);
                }
            }
            assertEquals(0, draft.sessionCount(), "sessions are released at the end");
        }
    }

    @Test
    void kChangingEveryRoundIncludingZeroGivesTheSameOutput() {
        try (DraftEngine draft = new DraftEngine(draftModel);
             VerifierEngine verifier = new VerifierEngine(verifierModel, VerifierConfig.defaults())) {
            SpeculativeDecoder decoder = SpeculativeDecoder.create(new InProcessDraftChannel(draft),
                    new InProcessVerifierChannel(verifier));
            int[] script = {0, 3, 1, 8, 0, 0, 2, 5, 7, 0, 1};
            for (int i = 0; i < refs.size(); i++) {
                List<Integer> chosen = new ArrayList<>();
                List<RoundMeasurement> measured = new ArrayList<>();
                SpeculationLength scripted = new SpeculationLength() {
                    @Override
                    public int next() {
                        int k = script[chosen.size() % script.length];
                        chosen.add(k);
                        return k;
                    }

                    @Override
                    public void observe(RoundMeasurement round) {
                        measured.add(round);
                    }
                };
                DecodeResult r = decoder.generate(new DecodeRequest(refs.get(i).promptIds(), MAX_TOKENS, GREEDY, 8,
                        scripted, null));
                assertArrayEquals(baseline.get(i), r.ids(), "scripted k, prompt '" + refs.get(i).prompt() + "'");
                assertEquals(r.rounds(), measured.size(), "one observation per round");
                assertEquals(r.draftedTokens(), measured.stream().mapToLong(RoundMeasurement::drafted).sum());
                assertEquals(r.acceptedTokens(), measured.stream().mapToLong(RoundMeasurement::accepted).sum());
                for (int round = 0; round < measured.size(); round++) {
                    RoundMeasurement m = measured.get(round);
                    assertTrue(m.drafted() <= chosen.get(round), "round " + round + " drafted at most its k");
                    assertTrue(m.verifyWallMicros() >= 0 && m.verifierMicros() >= 0 && m.draftMicros() >= 0);
                    if (chosen.get(round) == 0) {
                        assertEquals(0, m.drafted(), "k = 0 is a verifier-only step");
                    }
                }
            }
            assertEquals(0, draft.sessionCount(), "sessions are released at the end");
        }
    }

    @Test
    void sixteenConcurrentSessionsShareOneVerifier() throws Exception {
        try (DraftEngine draft = new DraftEngine(draftModel);
             VerifierEngine verifier = new VerifierEngine(verifierModel, VerifierConfig.defaults());
             ExecutorService pool = Executors.newFixedThreadPool(16)) {
            SpeculativeDecoder decoder = SpeculativeDecoder.create(new InProcessDraftChannel(draft),
                    new InProcessVerifierChannel(verifier));
            int[] ks = {1, 2, 4, 8};
            List<Future<DecodeResult>> futures = new ArrayList<>();
            for (int s = 0; s < 16; s++) {
                int i = s % refs.size();
                int k = ks[s % ks.length];
                futures.add(pool.submit(() -> decoder.generate(
                        new DecodeRequest(refs.get(i).promptIds(), MAX_TOKENS, GREEDY, k))));
            }
            for (int s = 0; s < 16; s++) {
                assertArrayEquals(baseline.get(s % refs.size()), futures.get(s).get().ids(), "session " + s);
            }
        }
    }

    @Test
    void throughGrpcOnLoopback() throws Exception {
        try (DraftEngine draft = new DraftEngine(draftModel, DraftConfig.DEFAULT);
             VerifierEngine verifier = new VerifierEngine(verifierModel, VerifierConfig.defaults());
             VerifierServer verifierServer = VerifierServer.start(verifier, 0)) {
            Server draftServer = Fixtures.draftServer(draft);
            try (GrpcDraftChannel d = GrpcDraftChannel.connect("localhost:" + draftServer.getPort(), Duration.ofSeconds(30));
                 GrpcVerifierChannel v = GrpcVerifierChannel.connect("localhost:" + verifierServer.port(),
                         Duration.ofSeconds(30), Duration.ofSeconds(60))) {
                SpeculativeDecoder decoder = SpeculativeDecoder.create(d, v);
                for (int i = 0; i < refs.size(); i++) {
                    DecodeResult r = decoder.generate(new DecodeRequest(refs.get(i).promptIds(), MAX_TOKENS, GREEDY, 4));
                    assertArrayEquals(baseline.get(i), r.ids(), "gRPC, prompt '" + refs.get(i).prompt() + "'");
                }
                // Verifier-only over gRPC (Generate, streamed) gives the same output too.
                DecodeResult only = SpeculativeDecoder.verifierOnly(v)
                        .generate(new DecodeRequest(refs.get(0).promptIds(), MAX_TOKENS, GREEDY, 1));
                assertArrayEquals(baseline.get(0), only.ids());
            } finally {
                draftServer.shutdownNow().awaitTermination();
            }
        }
    }
}
