package dev.specgate.draft;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** A draft worker process: one model, one {@link DraftEngine}, served over gRPC. */
public final class DraftServer implements AutoCloseable {
    private final Model model;
    private final DraftEngine engine;
    private final Server server;

    private DraftServer(Model model, DraftEngine engine, Server server) {
        this.model = model;
        this.engine = engine;
        this.server = server;
    }

    /** Loads the model and listens on {@code port} (0 picks a free port; see {@link #port()}). */
    public static DraftServer start(String modelNameOrPath, int port, DraftConfig config) throws IOException {
        return start(modelNameOrPath, port, config, InsecureServerCredentials.create());
    }

    /** As {@link #start(String, int, DraftConfig)}, with transport security ({@code GrpcTls#server}). */
    public static DraftServer start(String modelNameOrPath, int port, DraftConfig config,
                                    ServerCredentials credentials) throws IOException {
        Model model = Model.load(ModelFiles.resolve(modelNameOrPath));
        DraftEngine engine = new DraftEngine(model, config);
        try {
            Server server = Grpc.newServerBuilderForPort(port, credentials)
                    .addService(new DraftGrpcService(engine))
                    .build()
                    .start();
            return new DraftServer(model, engine, server);
        } catch (IOException | RuntimeException e) {
            engine.close();
            model.close();
            throw e;
        }
    }

    public int port() {
        return server.getPort();
    }

    public DraftEngine engine() {
        return engine;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        engine.close();
        model.close();
    }

    /** {@code DraftServer --model PATH --port N} */
    public static void main(String[] args) throws Exception {
        String model = null;
        int port = 50053;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--model" -> model = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: --model PATH --port N");
            }
        }
        if (model == null) {
            throw new IllegalArgumentException("usage: DraftServer --model PATH --port N");
        }
        serve(model, port, InsecureServerCredentials.create());
    }

    /** Runs until the process is stopped. */
    public static void serve(String model, int port, ServerCredentials credentials)
            throws IOException, InterruptedException {
        DraftServer server = start(model, port, DraftConfig.DEFAULT, credentials);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("draft worker serving " + server.engine().info().getModel() + " on port " + server.port()
                + (credentials instanceof InsecureServerCredentials ? " (plaintext)" : " (TLS)"));
        server.awaitTermination();
    }
}
