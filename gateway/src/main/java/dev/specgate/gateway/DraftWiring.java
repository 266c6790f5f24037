package dev.specgate.gateway;

import dev.specgate.engine.ModelFiles;
import dev.specgate.engine.gguf.GGUFFile;
import dev.specgate.engine.model.Model;
import dev.specgate.engine.tokenizer.Tokenizer;
import dev.specgate.engine.tokenizer.Tokenizers;
import dev.specgate.gateway.backend.Draft;
import dev.specgate.gateway.decode.GrpcConnector;
import dev.specgate.gateway.decode.GrpcDraftChannel;
import dev.specgate.gateway.decode.GrpcErrors;
import dev.specgate.proto.v1.ModelInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens the draft: a GGUF path loads it in this process; {@code grpc://host:port} connects to a running draft
 * worker, which must answer at startup (the gateway is ready only with its draft). A remote draft's tokenizer is
 * read from a local GGUF: {@code tokenizer} in the config, else the draft's own model file in
 * {@code $SPECGATE_MODELS}; its fingerprint must be the worker's.
 */
final class DraftWiring {
    /** One Propose (k tokens, or a whole prompt's prefill) or Info/Release call. */
    static final Duration CALL_DEADLINE = Duration.ofSeconds(30);

    private DraftWiring() {
    }

    static Draft open(GatewayConfig config, GrpcConnector connector, ExecutorService inference,
                      List<AutoCloseable> resources) throws IOException {
        if (!config.draft.startsWith("grpc://")) {
            Model model = Model.load(ModelFiles.resolve(config.draft));
            resources.add(model);
            Draft draft = Draft.inProcess(model, inference);
            resources.add(draft);
            return draft;
        }
        String target = config.draft.substring("grpc://".length()).trim();
        GrpcDraftChannel channel = GrpcDraftChannel.owning(connector.open(target), CALL_DEADLINE);
        ModelInfo info;
        try {
            info = channel.info().get(config.resilience.startupTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            channel.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to the draft at " + config.draft, e);
        } catch (ExecutionException | TimeoutException e) {
            channel.close();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("the draft worker at " + config.draft + " does not answer ("
                    + GrpcErrors.describe(cause) + "); the gateway needs its draft to start", cause);
        }
        Tokenizer tokenizer;
        String chatTemplate;
        try {
            Path file = tokenizerFile(config, info);
            try (GGUFFile gguf = GGUFFile.open(file)) {
                tokenizer = Tokenizers.fromGGUF(gguf);
                chatTemplate = gguf.metadataString("tokenizer.chat_template", null);
            }
            if (!tokenizer.fingerprint().equals(info.getTokenizerFingerprint())
                    || tokenizer.vocabSize() != info.getVocabSize()) {
                throw new IllegalArgumentException("the tokenizer in " + file + " (fingerprint "
                        + tokenizer.fingerprint() + ", " + tokenizer.vocabSize() + " tokens) is not the one of the "
                        + "draft " + info.getModel() + " at " + config.draft + " (fingerprint "
                        + info.getTokenizerFingerprint() + ", " + info.getVocabSize() + " tokens): set `tokenizer` "
                        + "to a GGUF file with the draft's tokenizer");
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        resources.add(threads::shutdownNow);
        Draft draft = Draft.remote(channel, info, tokenizer, chatTemplate, config.k, threads);
        resources.add(draft);
        return draft;
    }

    /** The configured tokenizer file, else the remote draft's model file among the local models. */
    private static Path tokenizerFile(GatewayConfig config, ModelInfo info) throws IOException {
        if (config.tokenizer != null && !config.tokenizer.isBlank()) {
            Path file = ModelFiles.resolve(config.tokenizer);
            if (!Files.isRegularFile(file)) {
                throw new IOException("tokenizer file " + config.tokenizer + " not found (also looked in "
                        + ModelFiles.directory() + ")");
            }
            return file;
        }
        Path file = ModelFiles.resolve(info.getModel());
        if (!Files.isRegularFile(file)) {
            throw new IOException("no tokenizer for the remote draft " + info.getModel() + " at " + config.draft
                    + ": " + ModelFiles.directory().resolve(info.getModel() + ".gguf") + " does not exist; set "
                    + "`tokenizer` in the config (--tokenizer) to a GGUF file with the draft's tokenizer");
        }
        return file;
    }
}
