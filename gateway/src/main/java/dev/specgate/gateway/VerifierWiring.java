package dev.specgate.gateway;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import dev.specgate.gateway.backend.Draft;
import dev.specgate.gateway.backend.ResilientVerifierChannel;
import dev.specgate.gateway.backend.SpeculativeBackend;
import dev.specgate.gateway.backend.VerifierLink;
import dev.specgate.gateway.decode.GrpcConnector;
import dev.specgate.gateway.decode.GrpcVerifierChannel;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.gateway.replicas.AddressResolver;
import dev.specgate.gateway.replicas.FailoverVerifierChannel;
import dev.specgate.gateway.replicas.VerifierAddress;
import dev.specgate.gateway.routing.GatewayRouting;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Connects the gateway to its verifier. A GGUF path starts a verifier worker in this JVM behind a gRPC port
 * (the same path a remote verifier takes, so fallback is exercised for real); {@code grpc://host:port,...}
 * connects to running workers, which need not be up yet: a verifier that does not answer at startup leaves the
 * gateway serving draft-only (breaker held open) while a background probe waits for it ({@link VerifierLink}).
 * Every address is expanded into one replica per resolved IP, with session affinity and failover between them
 * ({@link FailoverVerifierChannel}), under one circuit breaker ({@link ResilientVerifierChannel}).
 * The draft is in-process or remote ({@link DraftWiring}).
 */
record VerifierWiring(CompletionBackend backend, String modelName) {
    /** Whole verifier-only streams may take long; rounds are bounded by the resilience round timeout. */
    private static final Duration GENERATE_DEADLINE = Duration.ofMinutes(10);
    /** Where the in-process verifier worker listens: loopback only. */
    private static final String LOOPBACK = "127.0.0.1";

    static VerifierWiring connect(GatewayConfig config, Draft draft, GatewayMetrics metrics, GatewayRouting routing,
                                  GrpcConnector connector, AddressResolver resolver, List<AutoCloseable> resources) throws IOException {
        GatewayConfig.Resilience r = config.resilience;
        Duration roundDeadline = Duration.ofMillis(r.roundTimeoutMs);
        Duration infoDeadline = Duration.ofMillis(r.startupTimeoutMs);
        boolean remote = config.verifier.startsWith("grpc://");
        List<VerifierAddress> addresses;
        String localName = null;
        if (remote) {
            addresses = VerifierAddress.parseList(config.verifier);
        } else {
            Model verifierModel = Model.load(ModelFiles.resolve(config.verifier));
            resources.add(verifierModel);
            VerifierEngine engine = new VerifierEngine(verifierModel, VerifierConfig.defaults());
            resources.add(engine);
            VerifierServer server = VerifierServer.start(engine, LOOPBACK, 0); // not reachable from outside
            resources.add(server);
            localName = verifierModel.name();
            addresses = List.of(new VerifierAddress(LOOPBACK, server.port()));
        }
        GrpcConnector channels = remote ? connector : GrpcConnector.plaintext(); // our own worker: loopback, plaintext
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Gateway.daemonThreads("specgate-resilience-"));
        resources.add(scheduler::shutdownNow);
        FailoverVerifierChannel replicas = FailoverVerifierChannel.open(addresses, resolver,
                (address, authority) -> GrpcVerifierChannel.owning(channels.open(address, authority), roundDeadline,
                        GENERATE_DEADLINE, infoDeadline),
                Duration.ofMillis(r.openWaitMs), metrics);
        replicas.resolveEvery(scheduler, config.dnsRefreshMs);
        ResilientVerifierChannel verifier = new ResilientVerifierChannel(replicas, r, scheduler, metrics);
        resources.add(verifier);
        VerifierLink link = new VerifierLink(draft.channel(), verifier);
        resources.add(link);
        if (!link.connectNow()) {
            link.keepTrying(scheduler, r.openWaitMs);
        }
        VerifierLink.Decoders decoders = link.current();
        String name = localName != null ? localName
                : decoders != null ? decoders.speculative().verifierInfo().getModel() : draft.name();
        CompletionBackend backend = new SpeculativeBackend(draft, link, verifier,
                r.maxVerifierSessions, metrics, routing, config.entropyWindow, config.draftTemperature);
        return new VerifierWiring(backend, name);
    }
}
