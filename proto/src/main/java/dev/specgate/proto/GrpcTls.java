package dev.specgate.proto;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Transport security of the workers' gRPC links, from PEM files: what a worker serves with (certificate and key,
 * and a client CA to require client certificates: mTLS) and what the gateway connects with (the CA it trusts, and
 * its own certificate and key for mTLS). Keys are PKCS#8 PEM ({@code BEGIN PRIVATE KEY}). A missing or unreadable
 * file is an {@link IOException} naming the file and the option it came from.
 */
public final class GrpcTls {
    private GrpcTls() {
    }

    /**
     * Server credentials: plaintext without a certificate; TLS with {@code cert} and {@code key}; mTLS (client
     * certificates signed by {@code clientCa} required) when {@code clientCa} is given too.
     */
    public static ServerCredentials server(Path cert, Path key, Path clientCa) throws IOException {
        if (cert == null && key == null) {
            if (clientCa != null) {
                throw new IllegalArgumentException("a client CA (mTLS) needs the server's own certificate and key");
            }
            return InsecureServerCredentials.create();
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException("TLS needs both a certificate and its private key");
        }
        TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder()
                .keyManager(readable(cert, "certificate").toFile(), readable(key, "private key").toFile());
        if (clientCa != null) {
            tls.trustManager(readable(clientCa, "client CA").toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
        }
        return tls.build();
    }

    /**
     * Channel credentials: TLS trusting {@code ca} (null: the JVM's default trust store), presenting {@code cert}
     * and {@code key} when given (mTLS).
     */
    public static ChannelCredentials client(Path ca, Path cert, Path key) throws IOException {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("a client certificate needs its private key and vice versa");
        }
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (ca != null) {
            tls.trustManager(readable(ca, "CA").toFile());
        }
        if (cert != null) {
            tls.keyManager(readable(cert, "client certificate").toFile(), readable(key, "client key").toFile());
        }
        return tls.build();
    }

    /** Plaintext channel credentials (no TLS configured). */
    public static ChannelCredentials plaintext() {
        return InsecureChannelCredentials.create();
    }

    private static Path readable(Path file, String what) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException("TLS " + what + " file " + file + " does not exist or is not readable");
        }
        return file;
    }
}
