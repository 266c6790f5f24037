package dev.specgate.gateway.replicas;

import dev.specgate.draft.DraftEngine;
import dev.specgate.engine.Generator;
import dev.specgate.engine.TestModels;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.sampling.SamplingParams;
import dev.specgate.gateway.GatewayConfig;
import dev.specgate.gateway.backend.ResilientVerifierChannel;
import dev.specgate.gateway.decode.DecodeRequest;
import dev.specgate.gateway.decode.GrpcConnector;
import dev.specgate.gateway.decode.GrpcVerifierChannel;
import dev.specgate.gateway.decode.InProcessDraftChannel;
import dev.specgate.gateway.decode.SpeculativeDecoder;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failover below the circuit breaker, with a replica that accepts connections and never answers (hung): its first
 * session's round times out, is retried there, times out again, and moves to the live replica.
 */
class FailoverVerifierChannelTest {
    private static final String PROMPT = "And God said";

    @Test
    void aSessionOnAHungReplicaMovesWhenItsRoundTimesOutTwice() throws Exception {
        try (Model draftModel = Model.load(TestModels.path("kjv-draft-1m-q8_0.gguf"));
             Model verifierModel = Model.load(TestModels.path("kjv-verifier-14m-q8_0.gguf"));
             DraftEngine draft = new DraftEngine(draftModel);
             VerifierEngine engine = new VerifierEngine(verifierModel, VerifierConfig.defaults());
             VerifierServer live = VerifierServer.start(engine, "127.0.0.1", 0);
             HungServer hung = new HungServer()) {
            GatewayConfig.Resilience resilience = new GatewayConfig.Resilience();
            resilience.roundTimeoutMs = 2000; // the live replica must not time out too on a busy machine
            resilience.minimumCalls = 100; // this test is about failover, not about the breaker
            GatewayMetrics metrics = new GatewayMetrics();
            ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
            Duration round = Duration.ofMillis(resilience.roundTimeoutMs);
            FailoverVerifierChannel replicas = FailoverVerifierChannel.open(
                    List.of(new VerifierAddress("127.0.0.1", live.port()),   // Info asks this one first
                            new VerifierAddress("127.0.0.1", hung.port())),
                    AddressResolver.SYSTEM,
                    (address, authority) -> GrpcVerifierChannel.owning(GrpcConnector.plaintext().open(address),
                            round, Duration.ofSeconds(30), Duration.ofSeconds(30)),
                    Duration.ofSeconds(30), metrics);
            try (ResilientVerifierChannel verifier = new ResilientVerifierChannel(replicas, resilience, scheduler,
                    metrics)) {
                SpeculativeDecoder decoder = SpeculativeDecoder.create(new InProcessDraftChannel(draft), verifier);
                int[] prompt = verifierModel.tokenizer().encode(PROMPT);
                int[] expected = Generator.generate(verifierModel, prompt, 32, SamplingParams.GREEDY).ids();
                for (int i = 0; i < 4; i++) { // placed in turn: the second session starts on the hung replica
                    var result = decoder.generate(new DecodeRequest(prompt, 32,
                            dev.specgate.proto.v1.SamplingParams.getDefaultInstance(), 4));
                    assertArrayEquals(expected, result.ids());
                }
                String scrape = new String(metrics.scrape());
                assertTrue(scrape.contains("specgate_verifier_failovers_total 1.0"), scrape);
                assertTrue(scrape.contains("specgate_verifier_replicas{state=\"down\"} 1"), scrape);
                assertTrue(hung.connections() > 0, "the hung replica was tried");
            } finally {
                scheduler.shutdownNow();
            }
        }
    }

    @Test
    void addressesParse() {
        assertEquals(List.of(new VerifierAddress("h1", 9400), new VerifierAddress("::1", 9401)),
                VerifierAddress.parseList("grpc://h1:9400, grpc://[::1]:9401"));
        assertEquals("grpc://[::1]:9401", new VerifierAddress("::1", 9401).toString());
        assertTrue(new VerifierAddress("10.0.0.7", 1).literal());
        assertTrue(!new VerifierAddress("verifier-headless", 1).literal());
        assertThrows(IllegalArgumentException.class, () -> VerifierAddress.parse("h1:9400"));
        assertThrows(IllegalArgumentException.class, () -> VerifierAddress.parse("grpc://h1"));
        assertThrows(IllegalArgumentException.class, () -> VerifierAddress.parse("grpc://h1:99999"));
    }

    /** Accepts TCP connections on loopback and never says anything: a worker that hangs. */
    private static final class HungServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor = Thread.ofVirtual().start(this::accept);

        HungServer() throws IOException {
        }

        private void accept() {
            try {
                while (true) {
                    Socket s = socket.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                }
            } catch (IOException closed) {
                // closed by the test
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        int connections() {
            synchronized (accepted) {
                return accepted.size();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
