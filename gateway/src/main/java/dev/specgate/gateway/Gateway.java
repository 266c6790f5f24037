package dev.specgate.gateway;

import dev.specgate.engine.tensor.ComputePriority;
import dev.specgate.gateway.backend.Draft;
import dev.specgate.gateway.backend.DraftOnlyBackend;
import dev.specgate.gateway.decode.GrpcConnector;
import dev.specgate.gateway.http.GatewayServer;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.gateway.replicas.AddressResolver;
import dev.specgate.gateway.routing.GatewayRouting;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running gateway: models, inference threads, backend, Vert.x and the HTTP server, closed together.
 * {@link #start} is what {@code ./specgate serve} and the tests call.
 */
public final class Gateway implements AutoCloseable {
    private final Vertx vertx;
    private final GatewayServer server;
    private final CompletionBackend backend;
    private final ExecutorService inference;
    private final GatewayMetrics metrics;
    private final GatewayRouting routing;
    private final String modelName;
    private final boolean tls;
    private final List<AutoCloseable> resources;

    private Gateway(Vertx vertx, GatewayServer server, CompletionBackend backend, ExecutorService inference,
                    GatewayMetrics metrics, GatewayRouting routing, String modelName, boolean tls,
                    List<AutoCloseable> resources) {
        this.vertx = vertx;
        this.server = server;
        this.backend = backend;
        this.inference = inference;
        this.metrics = metrics;
        this.routing = routing;
        this.modelName = modelName;
        this.tls = tls;
        this.resources = resources;
    }

    public static Gateway start(GatewayConfig config) throws IOException {
        return start(config, new VertxOptions());
    }

    /** Starts with the given Vert.x options (tests tighten the blocked-thread checker). */
    public static Gateway start(GatewayConfig config, VertxOptions vertxOptions) throws IOException {
        return start(config, vertxOptions, AddressResolver.SYSTEM);
    }

    /** As {@link #start(GatewayConfig, VertxOptions)}, resolving verifier host names with {@code resolver}. */
    static Gateway start(GatewayConfig config, VertxOptions vertxOptions, AddressResolver resolver)
            throws IOException {
        if (config.draft == null || config.draft.isBlank()) {
            throw new IllegalArgumentException("no draft model configured");
        }
        GatewayMetrics metrics = new GatewayMetrics();
        GatewayRouting routing = GatewayRouting.start(config, metrics); // a bad policy fails before models load
        List<AutoCloseable> resources = new ArrayList<>();
        resources.add(routing);
        ExecutorService inference = Executors.newFixedThreadPool(config.effectiveInferenceThreads(),
                computeThreads(daemonThreads("specgate-inference-")));
        CompletionBackend backend;
        String modelName;
        try {
            GrpcConnector connector = GrpcConnector.of(config.grpcTls);
            Draft draft = DraftWiring.open(config, connector, inference, resources);
            if (config.verifier == null || config.verifier.isBlank()) {
                backend = new DraftOnlyBackend(draft, metrics, routing);
                modelName = draft.name();
            } else {
                VerifierWiring wiring = VerifierWiring.connect(config, draft, metrics, routing, connector, resolver,
                        resources);
                backend = wiring.backend();
                modelName = wiring.modelName();
            }
        } catch (IOException | RuntimeException e) {
            inference.shutdownNow();
            closeAll(resources);
            throw e;
        }
        if (config.modelName != null) {
            modelName = config.modelName;
        }
        Vertx vertx = Vertx.vertx(vertxOptions);
        GatewayServer server = new GatewayServer(vertx, config, backend, metrics, routing.policies(), modelName);
        try {
            server.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the HTTP server", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            vertx.close();
            backend.close();
            inference.shutdownNow();
            closeAll(resources);
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot start the HTTP server on " + config.host + ":" + config.port + ": "
                    + cause.getMessage(), cause);
        }
        return new Gateway(vertx, server, backend, inference, metrics, routing, modelName, config.tls.enabled,
                resources);
    }

    public int port() {
        return server.port();
    }

    /** Base URL of the API, e.g. {@code http://localhost:8080/v1}. */
    public String baseUrl() {
        return (tls ? "https" : "http") + "://localhost:" + port() + "/v1";
    }

    public String modelName() {
        return modelName;
    }

    /** The gateway's Vert.x instance (tests watch its blocked-thread checker). */
    public Vertx vertx() {
        return vertx;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The routing policy in force and its decisions. */
    public GatewayRouting routing() {
        return routing;
    }

    public CompletionBackend backend() {
        return backend;
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        vertx.close();
        backend.close();
        inference.shutdownNow();
        try {
            inference.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                // best effort: the others still get closed
            }
        }
    }

    /** Threads that run the draft's forward passes: at a lower priority than the I/O they serve. */
    private static ThreadFactory computeThreads(ThreadFactory threads) {
        return runnable -> threads.newThread(() -> {
            ComputePriority.lowerCurrentThread();
            runnable.run();
        });
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
