package dev.specgate.cli;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.model.Model;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierMetrics;
import dev.specgate.verifier.VerifierServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code ./specgate verifier}: a verifier worker serving VerifierService over gRPC until Ctrl-C. */
@Command(name = "verifier", mixinStandardHelpOptions = true,
        description = "Serve a verifier model over gRPC (VerifierService) until interrupted.")
final class VerifierCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "GGUF file, or a file name in $SPECGATE_MODELS")
    String model;

    @Option(names = "--port", defaultValue = "50052", description = "Port to listen on; 0 picks one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--max-draft-tokens", defaultValue = "" + VerifierConfig.DEFAULT_MAX_DRAFT_TOKENS,
            description = "Most draft tokens per round (default ${DEFAULT-VALUE})")
    int maxDraftTokens;

    @Option(names = "--batch-tokens", defaultValue = "" + VerifierConfig.DEFAULT_BATCH_TOKEN_BUDGET,
            description = "Token budget of one batched forward pass (default ${DEFAULT-VALUE})")
    int batchTokens;

    @Option(names = "--max-wait-ms", defaultValue = "2",
            description = "Longest wait to gather a batch, milliseconds (default ${DEFAULT-VALUE})")
    double maxWaitMs;

    @Option(names = "--session-ttl-s", defaultValue = "600",
            description = "Idle sessions are dropped after this many seconds (default ${DEFAULT-VALUE})")
    long sessionTtlSeconds;

    @Option(names = "--kv-memory-mb", defaultValue = "1024",
            description = "KV-cache memory cap of all sessions, MiB (default ${DEFAULT-VALUE})")
    long kvMemoryMb;

    @Option(names = "--max-queued", defaultValue = "" + VerifierConfig.DEFAULT_MAX_QUEUED_ROUNDS,
            description = "Rounds waiting for a batch before callers get RESOURCE_EXHAUSTED (default ${DEFAULT-VALUE})")
    int maxQueued;

    @Option(names = "--metrics-port", defaultValue = "" + VerifierMetrics.DEFAULT_PORT,
            description = "HTTP port of Prometheus /metrics (batch sizes, queue depth, sessions); 0 = off "
                    + "(default ${DEFAULT-VALUE})")
    int metricsPort;

    @Mixin
    ServerTlsOptions tls;

    @Override
    public Integer call() throws Exception {
        VerifierConfig config = new VerifierConfig(maxDraftTokens, batchTokens,
                Duration.ofNanos((long) (maxWaitMs * 1e6)), Duration.ofSeconds(sessionTtlSeconds),
                kvMemoryMb << 20, maxQueued);
        VerifierServer.runUntilShutdown(Model.load(ModelFiles.resolve(model)), config, port, metricsPort,
                tls.credentials());
        return 0;
    }
}
