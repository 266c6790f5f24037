package dev.specgate.gateway.decode;

import dev.specgate.draft.DraftEngine;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** A verifier that restarts between rounds loses its sessions; the loop resends the prefix and loses nothing. */
class VerifierRestartTest {

    @Test
    void restartMidGenerationGivesIdenticalOutput() throws Exception {
        Fixtures.Reference ref = Fixtures.references().get(1);
        try (Model draftModel = Model.load(TestModels.path(Fixtures.DRAFT));
             Model verifierModel = Model.load(TestModels.path(Fixtures.VERIFIER));
             DraftEngine draft = new DraftEngine(draftModel)) {
            int[] expected = Generator.generate(verifierModel, ref.promptIds(), 48, SamplingParams.GREEDY).ids();
            VerifierEngine[] engine = {new VerifierEngine(verifierModel, VerifierConfig.defaults())};
            VerifierServer[] server = {VerifierServer.start(engine[0], 0)};
            int port = server[0].port();
            try (GrpcVerifierChannel channel = GrpcVerifierChannel.connect("localhost:" + port,
                    Duration.ofSeconds(30), Duration.ofSeconds(60))) {
                SpeculativeDecoder decoder = SpeculativeDecoder.create(new InProcessDraftChannel(draft), channel);
                AtomicInteger batches = new AtomicInteger();
                DecodeResult r = decoder.generate(new DecodeRequest(ref.promptIds(), 48,
                        dev.specgate.proto.v1.SamplingParams.getDefaultInstance(), 4), tokens -> {
                    if (batches.incrementAndGet() == 3) { // between rounds 3 and 4: a fresh process, same port
                        try {
                            server[0].close();
                            engine[0].close();
                            engine[0] = new VerifierEngine(verifierModel, VerifierConfig.defaults());
                            server[0] = VerifierServer.start(engine[0], port);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                });
                assertArrayEquals(expected, r.ids());
                assertEquals(1, r.resends(), "one NOT_FOUND, recovered by one full resend");
            } finally {
                server[0].close();
                engine[0].close();
            }
        }
    }
}
