package dev.specgate.cli;

import dev.specgate.draft.DraftServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ./specgate draft}: a draft worker serving DraftService over gRPC until stopped. */
@Command(name = "draft", mixinStandardHelpOptions = true, description = "Run a draft worker (gRPC DraftService).")
final class DraftCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "GGUF file, or a file name in $SPECGATE_MODELS")
    String model;

    @Option(names = "--port", defaultValue = "50053", description = "Port to listen on (default ${DEFAULT-VALUE})")
    int port;

    @Mixin
    ServerTlsOptions tls;

    @Override
    public Integer call() throws Exception {
        DraftServer.serve(model, port, tls.credentials());
        return 0;
    }
}
