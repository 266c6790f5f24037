package dev.specgate.cli;

import dev.specgate.engine.ModelFiles;
import dev.specgate.gateway.Gateway;
import dev.specgate.gateway.GatewayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./specgate serve}: the OpenAI-compatible gateway. By default the whole system in one JVM: the gateway,
 * the in-process draft and a verifier worker on a loopback gRPC port, with the shared models. The draft may be a
 * running draft worker ({@code --draft grpc://host:port}), the verifier one or more running verifier workers.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the OpenAI-compatible gateway (draft in-process or remote, verifier behind gRPC).")
final class ServeCommand implements Callable<Integer> {
    static final String DEFAULT_DRAFT = "kjv-draft-1m-q8_0.gguf";
    static final String DEFAULT_VERIFIER = "kjv-verifier-14m-q8_0.gguf";

    @Option(names = "--config", description = "YAML configuration file (see README, Gateway section)")
    Path config;

    @Option(names = "--port", description = "HTTP port (default 8080, or the config file's)")
    Integer port;

    @Option(names = "--draft", description = "Draft GGUF path or name in $SPECGATE_MODELS (run in-process), or "
            + "grpc://host:port of a running draft worker (default " + DEFAULT_DRAFT + ")")
    String draft;

    @Option(names = "--tokenizer", description = "With a grpc:// draft: GGUF file holding the draft's tokenizer "
            + "(default: the draft's model file in $SPECGATE_MODELS)")
    String tokenizer;

    @Option(names = "--verifier", description = "Verifier GGUF path (started in this JVM), or grpc://host:port[,...]; "
            + "'none' for draft-only (default " + DEFAULT_VERIFIER + ")")
    String verifier;

    @Option(names = "--policy", description = "Routing policy file (YAML or JSON), reloaded when it changes "
            + "(default: the config's `policy`, else the built-in policy)")
    Path policy;

    @Override
    public Integer call() throws Exception {
        GatewayConfig c = config != null ? GatewayConfig.load(config) : new GatewayConfig();
        if (port != null) {
            c.port = port;
        }
        if (draft != null) {
            c.draft = draft;
        }
        if (verifier != null) {
            c.verifier = verifier;
        }
        if (tokenizer != null) {
            c.tokenizer = tokenizer;
        }
        if (policy != null) {
            c.policy = policy.toString();
        }
        if (c.draft == null) {
            c.draft = ModelFiles.resolve(DEFAULT_DRAFT).toString();
        }
        if (c.verifier == null) {
            c.verifier = ModelFiles.resolve(DEFAULT_VERIFIER).toString();
        } else if (c.verifier.equalsIgnoreCase("none")) {
            c.verifier = null;
        }
        Gateway gateway = Gateway.start(c);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "specgate-shutdown"));
        System.err.println("specgate: serving " + gateway.modelName() + " at " + gateway.baseUrl()
                + " (draft: " + c.draft + "; "
                + (c.verifier == null ? "draft-only: no verifier)" : "verifier: " + c.verifier + ")")
                + "; routing policy: " + (c.policy == null ? "built-in" : c.policy)
                + (c.apiKeys.isEmpty() ? "; no API keys configured: the API is open" : ""));
        stopped.await();
        return 0;
    }
}
