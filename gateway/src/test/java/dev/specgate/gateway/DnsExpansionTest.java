package dev.specgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.specgate.proto.GrpcTls;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;
import io.grpc.ServerCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.specgate.gateway.GreedyReference.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A verifier address whose name resolves to several IPs (a headless Service) becomes one replica per IP: two real
 * verifier workers on 127.0.0.1 and 127.0.0.2 (same port) behind the name {@code verifier-headless}, served with
 * TLS for that name. Sessions spread over both; when the name stops resolving to one of them, new sessions stay
 * off it; when it comes back, they use it again.
 */
class DnsExpansionTest {
    private static final String NAME = "verifier-headless";

    @Test
    void aNameWithSeveralAddressesBecomesOneReplicaPerAddress(@TempDir Path dir) throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority(dir, "test-ca");
        TestCertificates.Issued cert = ca.issue("verifier");  // valid for verifier-headless, not for the IPs
        ServerCredentials tls = GrpcTls.server(cert.certPem(), cert.keyPem(), null);
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2");
        AtomicReference<List<InetAddress>> records = new AtomicReference<>(List.of(one, two));
        List<String> lookups = new ArrayList<>();
        try (GreedyReference ref = GreedyReference.load();
             VerifierEngine first = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults());
             VerifierEngine second = new VerifierEngine(ref.verifierModel, VerifierConfig.defaults())) {
            int port = freePort();
            try (VerifierServer a = VerifierServer.start(first, "127.0.0.1", port, tls);
                 VerifierServer b = VerifierServer.start(second, "127.0.0.2", port, tls);
                 Gateway g = TestGateway.start(c -> {
                     c.verifier = "grpc://" + NAME + ":" + port;
                     c.defaultMode = "speculative";
                     c.dnsRefreshMs = 100;
                     c.resilience.roundTimeoutMs = 10_000; // cold engines on a busy machine: not about timeouts
                     c.grpcTls.enabled = true;
                     c.grpcTls.caPath = ca.certPem().toString();
                 }, host -> {
                     synchronized (lookups) {
                         lookups.add(host);
                     }
                     if (!host.equals(NAME)) {
                         throw new UnknownHostException(host);
                     }
                     return records.get();
                 })) {
                String expected = ref.verifierText(24);
                concurrently(g, 6, expected);
                assertTrue(first.stats().batches() > 0 && second.stats().batches() > 0,
                        "both replicas verified: " + first.stats().batches() + ", " + second.stats().batches());

                // The name now resolves to 127.0.0.1 only: new sessions all go there.
                records.set(List.of(one));
                awaitLookups(lookups, 3);
                long secondBatches = second.stats().batches();
                concurrently(g, 6, expected);
                assertEquals(secondBatches, second.stats().batches(), "no session on the removed address");

                // Back to both: sessions reach 127.0.0.2 again.
                records.set(List.of(one, two));
                awaitLookups(lookups, 3);
                concurrently(g, 6, expected);
                assertTrue(second.stats().batches() > secondBatches, "the returning address takes sessions");
                assertTrue(lookups.stream().allMatch(NAME::equals), lookups.toString());
            }
        }
    }

    /** {@code n} concurrent greedy completions, each speculative and equal to {@code expected}. */
    private static void concurrently(Gateway g, int n, String expected) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            List<Future<JsonNode>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                results.add(clients.submit(() -> Http.post(g.baseUrl() + "/completions", body(g, 24, "speculative", false))
                        .json()));
            }
            for (Future<JsonNode> f : results) {
                JsonNode r = f.get(60, TimeUnit.SECONDS);
                assertEquals(expected, r.at("/choices/0/text").asText(), r.toString());
                assertEquals("speculative", r.at("/usage/specgate/mode").asText(), r.toString());
                assertFalse(r.at("/usage/specgate/fallback").asBoolean(), r.toString());
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Waits until the gateway has resolved the name {@code more} more times (so it saw the new records). */
    private static void awaitLookups(List<String> lookups, int more) throws InterruptedException {
        int target;
        synchronized (lookups) {
            target = lookups.size() + more;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            synchronized (lookups) {
                if (lookups.size() >= target) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("the name was not resolved again");
            }
            Thread.sleep(20);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
