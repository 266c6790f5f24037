package dev.specgate.gateway;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import dev.specgate.gateway.backend.Draft;
import dev.specgate.gateway.backend.ResilientVerifierChannel;
import dev.specgate.gateway.backend.ShardedVerifierChannel;
import dev.specgate.gateway.backend.SpeculativeBackend;
import dev.specgate.gateway.backend.VerifierLink;
import dev.specgate.gateway.decode.GrpcConnector;
import dev.specgate.gateway.decode.GrpcVerifierChannel;
import dev.specgate.gateway.decode.VerifierChannel;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierServer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Connects the gateway to its verifier. A GGUF path starts a verifier worker in this JVM behind a gRPC port
 * (the same path a remote verifier takes, so fallback is exercised for real); {@code grpc://host:port,...}
 * connects to running workers, which need not be up yet: a verifier that does not answer at startup leaves the
 * gateway serving draft-only (breaker held open) while a background probe waits for it ({@link VerifierLink}).
 * The draft is in-process or remote ({@link DraftWiring}).
 */
record VerifierWiring(CompletionBackend backend, String modelName) {
    /** Whole verifier-only streams may take long; rounds are bounded by the resilience round timeout. */
    private static final Duration GENERATE_DEADLINE = Duration.ofMinutes(10);
    /** Where the in-process verifier worker listens: loopback only. */
    private static final String LOOPBACK = "127.0.0.1";

    static VerifierWiring connect(GatewayConfig config, Draft draft, GatewayMetrics metrics, GrpcConnector connector,
                                  List<AutoCloseable> resources) throws IOException {
        Duration roundDeadline = Duration.ofMillis(config.resilience.roundTimeoutMs);
        Duration infoDeadline = Duration.ofMillis(config.resilience.startupTimeoutMs);
        List<VerifierChannel> replicas = new ArrayList<>();
        String localName = null;
        if (config.verifier.startsWith("grpc://")) {
            for (String address : config.verifier.split(",")) {
                String target = address.trim().substring("grpc://".length());
                replicas.add(GrpcVerifierChannel.owning(connector.open(target), roundDeadline, GENERATE_DEADLINE,
                        infoDeadline));
            }
        } else {
            Model verifierModel = Model.load(ModelFiles.resolve(config.verifier));
            resources.add(verifierModel);
            VerifierEngine engine = new VerifierEngine(verifierModel, VerifierConfig.defaults());
            resources.add(engine);
            VerifierServer server = VerifierServer.start(engine, LOOPBACK, 0); // not reachable from outside
            resources.add(server);
            localName = verifierModel.name();
            replicas.add(GrpcVerifierChannel.owning(GrpcConnector.plaintext().open(LOOPBACK + ":" + server.port()),
                    roundDeadline, GENERATE_DEADLINE, infoDeadline));
        }
        VerifierChannel channel = replicas.size() == 1 ? replicas.getFirst() : new ShardedVerifierChannel(replicas);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Gateway.daemonThreads("specgate-resilience-"));
        resources.add(scheduler::shutdownNow);
        ResilientVerifierChannel verifier = new ResilientVerifierChannel(channel, config.resilience, scheduler, metrics);
        resources.add(verifier);
        VerifierLink link = new VerifierLink(draft.channel(), verifier);
        resources.add(link);
        if (!link.connectNow()) {
            link.keepTrying(scheduler, config.resilience.openWaitMs);
        }
        VerifierLink.Decoders decoders = link.current();
        String name = localName != null ? localName
                : decoders != null ? decoders.speculative().verifierInfo().getModel() : draft.name();
        CompletionBackend backend = new SpeculativeBackend(draft, link, verifier,
                config.resilience.maxVerifierSessions, metrics, config.defaultDecodeMode(), config.k);
        return new VerifierWiring(backend, name);
    }
}
