package dev.specgate.load;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import dev.specgate.gateway.Gateway;
import dev.specgate.gateway.GatewayConfig;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The whole system on one machine, all on loopback: a verifier worker behind gRPC, a {@link NetworkEmulator}
 * in front of it, and a gateway (with its in-process draft) whose verifier address is the emulator. Faults are
 * injected through {@link #killVerifier()}, {@link #restartVerifier()} and {@link #network()}.
 */
public final class Testbed implements AutoCloseable {
    /** The gateway's admin key, for {@link #putPolicy}. */
    private static final String ADMIN_KEY = "testbed-admin";
    private final Model verifierModel;
    private volatile VerifierEngine engine;
    private final NetworkEmulator network;
    private final Gateway gateway;
    private final int verifierPort;
    private volatile VerifierServer verifier;

    private Testbed(Model verifierModel, VerifierEngine engine, VerifierServer verifier, NetworkEmulator network,
                    Gateway gateway) {
        this.verifierModel = verifierModel;
        this.engine = engine;
        this.verifier = verifier;
        this.verifierPort = verifier.port();
        this.network = network;
        this.gateway = gateway;
    }

    /**
     * Starts the three parts; {@code customize} adjusts the gateway's config (resilience timings, k) after the
     * loopback addresses are set.
     */
    public static Testbed start(String draft, String verifierGguf, Consumer<GatewayConfig> customize)
            throws IOException {
        Model model = Model.load(ModelFiles.resolve(verifierGguf));
        VerifierEngine engine = new VerifierEngine(model, VerifierConfig.defaults());
        VerifierServer server = null;
        NetworkEmulator network = null;
        try {
            server = VerifierServer.start(engine, 0);
            network = NetworkEmulator.start(server.port());
            GatewayConfig config = new GatewayConfig();
            config.host = "127.0.0.1";
            config.port = 0;
            config.draft = ModelFiles.resolve(draft).toString();
            config.verifier = "grpc://127.0.0.1:" + network.port();
            config.defaultMode = "speculative";
            config.adminKeys = List.of(ADMIN_KEY);
            customize.accept(config);
            Gateway gateway = startGateway(config);
            return new Testbed(model, engine, server, network, gateway);
        } catch (IOException | RuntimeException e) {
            if (network != null) {
                network.close();
            }
            if (server != null) {
                server.shutdown(Duration.ZERO);
            }
            engine.close();
            model.close();
            throw e;
        }
    }

    /**
     * The gateway asks the verifier for its info at start-up under the round deadline; with a tight deadline
     * (fault tests use 400 ms) a cold JVM's first gRPC connection can miss it, so a few bounded attempts.
     */
    private static Gateway startGateway(GatewayConfig config) throws IOException {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return Gateway.start(config);
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("DEADLINE_EXCEEDED")) {
                    throw e;
                }
                last = e;
            }
        }
        throw last;
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + gateway.port() + "/v1";
    }

    /** Replaces the gateway's routing policy ({@code PUT /admin/policy}, YAML or JSON; omitted fields default). */
    public void putPolicy(String policy) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + gateway.port() + "/admin/policy");
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + ADMIN_KEY).PUT(HttpRequest.BodyPublishers.ofString(policy))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("PUT /admin/policy answered " + r.statusCode() + ": " + r.body());
            }
        }
    }

    public NetworkEmulator network() {
        return network;
    }

    public Gateway gateway() {
        return gateway;
    }

    /**
     * Stops the verifier hard, as a crash would: running calls are cut, the port closes and its sessions (KV
     * caches) are dropped. Only the mapped model file stays, to make the restart quick.
     */
    public synchronized void killVerifier() {
        VerifierServer current = verifier;
        if (current != null) {
            current.shutdown(Duration.ZERO);
            verifier = null;
            engine.close();
        }
    }

    /** Serves again on the same port with a fresh engine, as a restarted process would (NOT_FOUND resyncs). */
    public synchronized void restartVerifier() throws IOException {
        if (verifier == null) {
            engine = new VerifierEngine(verifierModel, VerifierConfig.defaults());
            verifier = VerifierServer.start(engine, verifierPort);
        }
    }

    @Override
    public void close() {
        gateway.close();
        network.close();
        killVerifier();
        verifierModel.close();
    }
}
