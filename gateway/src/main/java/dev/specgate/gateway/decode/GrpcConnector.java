package dev.specgate.gateway.decode;

import dev.specgate.gateway.GatewayConfig;
import dev.specgate.proto.GrpcTls;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the gateway's gRPC channels to draft and verifier workers, all with the same transport security
 * ({@code grpc_tls} in the config: plaintext, TLS, or mTLS with the gateway's client certificate).
 */
public final class GrpcConnector {
    private final ChannelCredentials credentials;

    private GrpcConnector(ChannelCredentials credentials) {
        this.credentials = credentials;
    }

    public static GrpcConnector plaintext() {
        return new GrpcConnector(GrpcTls.plaintext());
    }

    public static GrpcConnector of(GatewayConfig.GrpcTls tls) throws IOException {
        if (!tls.enabled) {
            return plaintext();
        }
        return new GrpcConnector(GrpcTls.client(path(tls.caPath), path(tls.certPath), path(tls.keyPath)));
    }

    /** A channel to {@code host:port}. */
    public ManagedChannel open(String target) {
        return Grpc.newChannelBuilder(target, credentials).build();
    }

    /**
     * A channel to one resolved address ({@code ip:port}) that presents itself, and checks the server's
     * certificate, as {@code authority} (the host name it was resolved from): TLS keeps verifying the name the
     * certificate was issued for, not the pod's address.
     */
    public ManagedChannel open(String address, String authority) {
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(address, credentials);
        if (authority != null) {
            builder.overrideAuthority(authority);
        }
        return builder.build();
    }

    private static Path path(String file) {
        return file == null || file.isBlank() ? null : Path.of(file);
    }
}
