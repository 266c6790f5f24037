package dev.specgate.verifier;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A verifier worker process: a {@link VerifierEngine} served over gRPC, with graceful shutdown. */
public final class VerifierServer implements AutoCloseable {
    /** Biggest request accepted: a full-context prefix plus 16 dense draft distributions fit with room to spare. */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 4 << 20;

    private final VerifierEngine engine;
    private final Server server;

    private VerifierServer(VerifierEngine engine, Server server) {
        this.engine = engine;
        this.server = server;
    }

    /**
     * Serves {@code engine} on {@code port} of every interface (0 picks a free one). The server does not own the
     * engine: the caller closes it after the server (so a "restart" test can keep the model loaded).
     */
    public static VerifierServer start(VerifierEngine engine, int port) throws IOException {
        return start(engine, new InetSocketAddress(port), InsecureServerCredentials.create());
    }

    /**
     * As {@link #start(VerifierEngine, int)}, with transport security ({@code dev.specgate.proto.GrpcTls#server}:
     * plaintext, TLS, or mTLS).
     */
    public static VerifierServer start(VerifierEngine engine, int port, ServerCredentials credentials)
            throws IOException {
        return start(engine, new InetSocketAddress(port), credentials);
    }

    /**
     * Serves {@code engine} on {@code host:port} only (e.g. {@code "127.0.0.1"} for a worker that must not be
     * reachable from other machines); otherwise as {@link #start(VerifierEngine, int)}.
     */
    public static VerifierServer start(VerifierEngine engine, String host, int port) throws IOException {
        return start(engine, host, port, InsecureServerCredentials.create());
    }

    /** Serves on {@code host:port} only, with the given transport security. */
    public static VerifierServer start(VerifierEngine engine, String host, int port, ServerCredentials credentials)
            throws IOException {
        return start(engine, new InetSocketAddress(host, port), credentials);
    }

    private static VerifierServer start(VerifierEngine engine, InetSocketAddress address,
                                        ServerCredentials credentials) throws IOException {
        Server server = NettyServerBuilder.forAddress(address, credentials)
                .addService(new VerifierGrpcService(engine))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .build()
                .start();
        return new VerifierServer(engine, server);
    }

    public int port() {
        return server.getPort();
    }

    public VerifierEngine engine() {
        return engine;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops taking calls, lets running ones finish (up to a grace period), then cuts the rest. */
    public void shutdown(Duration grace) {
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(5));
    }

    /**
     * {@code VerifierServer --model PATH [--port N]}: the minimal entry point; the full set of options is in
     * {@code ./specgate verifier}.
     */
    public static void main(String[] args) throws Exception {
        String model = null;
        int port = 50052;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: VerifierServer --model PATH [--port N])");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("usage: VerifierServer --model PATH [--port N]");
        }
        runUntilShutdown(Model.load(ModelFiles.resolve(model)), VerifierConfig.defaults(), port);
    }

    /** Serves until the JVM is asked to stop (Ctrl-C, SIGTERM), then drains and frees everything. */
    public static void runUntilShutdown(Model model, VerifierConfig config, int port) throws Exception {
        runUntilShutdown(model, config, port, 0, InsecureServerCredentials.create());
    }

    /** As {@link #runUntilShutdown(Model, VerifierConfig, int)}, with Prometheus {@code /metrics} on
     *  {@code metricsPort} (0 = no metrics endpoint) and the given transport security on the gRPC port. */
    public static void runUntilShutdown(Model model, VerifierConfig config, int port, int metricsPort,
                                        ServerCredentials credentials) throws Exception {
        VerifierEngine engine = new VerifierEngine(model, config);
        VerifierServer server;
        try {
            server = start(engine, port, credentials);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        VerifierMetrics metrics = new VerifierMetrics(engine);
        if (metricsPort > 0) {
            metrics.serve(metricsPort);
        }
        System.err.println("verifier: serving " + model.name() + " on port " + server.port()
                + (credentials instanceof InsecureServerCredentials ? " (plaintext)" : " (TLS)")
                + (metricsPort > 0 ? "; metrics on http port " + metrics.port() + " /metrics" : ""));
        Thread stopper = Thread.ofPlatform().unstarted(() -> {
            metrics.close();
            server.shutdown(Duration.ofSeconds(10));
            engine.close();
            model.close();
        });
        Runtime.getRuntime().addShutdownHook(stopper);
        server.awaitTermination();
    }
}
