package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.draft.DraftConfig;
import dev.specgate.draft.DraftServer;
import dev.specgate.engine.TestModels;
import dev.specgate.gateway.decode.GrpcConnector;
import dev.specgate.gateway.decode.GrpcErrors;
import dev.specgate.gateway.decode.GrpcVerifierChannel;
import dev.specgate.proto.GrpcTls;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import io.grpc.ServerCredentials;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.specgate.gateway.GreedyReference.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS and mTLS on the gateway's gRPC links: a verifier worker and a draft worker that require client certificates
 * signed by a test CA, and gateways connecting with the right certificates, without one, or trusting another CA.
 */
class GrpcTlsTest {
    @TempDir
    static Path dir;
    private static GreedyReference ref;
    private static VerifierEngine engine;
    private static VerifierServer verifier;
    private static DraftServer draft;
    private static TestCertificates.Authority ca;
    private static TestCertificates.Issued gatewayCert;
    private static TestCertificates.Authority otherCa;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCertificates.authority(dir, "test-ca");
        otherCa = TestCertificates.authority(dir, "other-ca");
        TestCertificates.Issued worker = ca.issue("worker");
        gatewayCert = ca.issue("gateway");
        ServerCredentials mtls = GrpcTls.server(worker.certPem(), worker.keyPem(), ca.certPem());
        ref = GreedyReference.load();
        engine = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults());
        verifier = VerifierServer.start(engine, "127.0.0.1", 0, mtls);
        draft = DraftServer.start(TestModels.path(TestGateway.DRAFT).toString(), 0, DraftConfig.DEFAULT, mtls);
    }

    @AfterAll
    static void stop() {
        if (draft != null) {
            draft.close();
        }
        if (verifier != null) {
            verifier.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (ref != null) {
            ref.close();
        }
    }

    /** Client TLS settings: trust {@code trusted}, present the gateway's certificate if {@code withCert}. */
    private static GatewayConfig.GrpcTls clientTls(TestCertificates.Authority trusted, boolean withCert) {
        GatewayConfig.GrpcTls tls = new GatewayConfig.GrpcTls();
        tls.enabled = true;
        tls.caPath = trusted.certPem().toString();
        if (withCert) {
            tls.certPath = gatewayCert.certPem().toString();
            tls.keyPath = gatewayCert.keyPem().toString();
        }
        return tls;
    }

    @Test
    void speculationRunsOverMutualTlsToBothWorkers() throws Exception {
        try (Gateway g = TestGateway.start(c -> {
            c.grpcTls = clientTls(ca, true);
            c.draft = "grpc://localhost:" + draft.port();           // the certificates are issued for localhost
            c.verifier = "grpc://localhost:" + verifier.port();
            c.defaultMode = "speculative";
        })) {
            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 32, "speculative", false)).json();
            assertEquals(ref.verifierText(32), r.at("/choices/0/text").asText(), r.toString());
            assertEquals("speculative", r.at("/usage/specgate/mode").asText());
            assertFalse(r.at("/usage/specgate/fallback").asBoolean());
            assertTrue(r.at("/usage/specgate/drafted_tokens").asLong() > 0);
        }
    }

    @Test
    void aGatewayWithoutClientCertificateIsRefused() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TestGateway.start(c -> {
            c.grpcTls = clientTls(ca, false);
            c.draft = "grpc://localhost:" + draft.port();
        }));
        assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());

        // The verifier refuses it as well: the gateway serves draft-only and says the verifier is unreachable.
        try (Gateway g = TestGateway.start(c -> {
            c.grpcTls = clientTls(ca, false);
            c.verifier = "grpc://localhost:" + verifier.port();
            c.defaultMode = "speculative";
            c.resilience.startupTimeoutMs = 5000;
        })) {
            JsonNode ready = Http.get(g.baseUrl().replace("/v1", "") + "/health/ready").json();
            assertFalse(ready.at("/verifier/reachable").asBoolean(), ready.toString());
            JsonNode r = Http.post(g.baseUrl() + "/completions", body(g, 8, "speculative", false)).json();
            assertTrue(r.at("/usage/specgate/fallback").asBoolean(), r.toString());
        }
        assertRefusedWithTlsError(clientTls(ca, false));
    }

    @Test
    void aWrongCaIsRefusedWithAClearError() throws Exception {
        IOException e = assertThrows(IOException.class, () -> TestGateway.start(c -> {
            c.grpcTls = clientTls(otherCa, true);
            c.draft = "grpc://localhost:" + draft.port();
        }));
        assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        assertTrue(e.getMessage().contains("ca_path"), e.getMessage());
        assertRefusedWithTlsError(clientTls(otherCa, true));
    }

    @Test
    void aPlaintextGatewayIsRefused() {
        IOException e = assertThrows(IOException.class,
                () -> TestGateway.start(c -> c.draft = "grpc://localhost:" + draft.port()));
        assertTrue(e.getMessage().contains("does not answer"), e.getMessage());
    }

    /** The verifier's Info call over {@code tls} fails, and the failure is described as a TLS one. */
    private static void assertRefusedWithTlsError(GatewayConfig.GrpcTls tls) throws Exception {
        try (GrpcVerifierChannel channel = GrpcVerifierChannel.owning(
                GrpcConnector.of(tls).open("localhost:" + verifier.port()), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(5))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> channel.info().get(10, TimeUnit.SECONDS));
            assertTrue(GrpcErrors.isTls(e), "a TLS failure: " + e);
            assertTrue(GrpcErrors.describe(e).startsWith("TLS handshake failed"), GrpcErrors.describe(e));
        }
    }
}
