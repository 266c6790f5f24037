package dev.specgate.gateway;

import dev.specgate.engine.TestModels;
import dev.specgate.gateway.replicas.AddressResolver;
import io.vertx.core.VertxOptions;

import java.io.IOException;
import java.util.function.Consumer;

/** Starts real gateways on free ports with the shared models. */
final class TestGateway {
    static final String DRAFT = "kjv-draft-1m-q8_0.gguf";
    static final String VERIFIER = "kjv-verifier-14m-q8_0.gguf";

    private TestGateway() {
    }

    /** Draft-only gateway on a free loopback port, after {@code customize} adjusted the config. */
    static Gateway start(Consumer<GatewayConfig> customize) throws IOException {
        return start(customize, new VertxOptions());
    }

    static Gateway start(Consumer<GatewayConfig> customize, VertxOptions options) throws IOException {
        return start(customize, options, AddressResolver.SYSTEM);
    }

    /** As {@link #start(Consumer)}, resolving verifier host names with {@code resolver}. */
    static Gateway start(Consumer<GatewayConfig> customize, AddressResolver resolver) throws IOException {
        return start(customize, new VertxOptions(), resolver);
    }

    private static Gateway start(Consumer<GatewayConfig> customize, VertxOptions options, AddressResolver resolver)
            throws IOException {
        GatewayConfig config = new GatewayConfig();
        config.host = "127.0.0.1";
        config.port = 0;
        config.draft = TestModels.path(DRAFT).toString();
        config.defaultMode = "draft-only";
        customize.accept(config);
        return Gateway.start(config, options, resolver);
    }
}
