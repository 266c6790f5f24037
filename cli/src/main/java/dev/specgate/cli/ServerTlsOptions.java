package dev.specgate.cli;

import dev.specgate.proto.GrpcTls;
import io.grpc.ServerCredentials;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** {@code --tls-cert}, {@code --tls-key}, {@code --tls-client-ca}: transport security of a worker's gRPC port. */
final class ServerTlsOptions {

    @Option(names = "--tls-cert", description = "PEM certificate (chain) to serve gRPC over TLS (with --tls-key)")
    Path cert;

    @Option(names = "--tls-key", description = "PKCS#8 PEM private key of --tls-cert")
    Path key;

    @Option(names = "--tls-client-ca", description = "PEM CA that client certificates must be signed by: "
            + "requires a client certificate (mTLS)")
    Path clientCa;

    /** Plaintext without options, TLS with a certificate and key, mTLS with a client CA too. */
    ServerCredentials credentials() throws IOException {
        return GrpcTls.server(cert, key, clientCa);
    }
}
