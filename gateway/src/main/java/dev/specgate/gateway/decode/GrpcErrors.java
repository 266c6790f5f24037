package dev.specgate.gateway.decode;

import io.grpc.Status;

import javax.net.ssl.SSLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Failures of gRPC calls to workers in words an operator can act on. */
public final class GrpcErrors {
    private GrpcErrors() {
    }

    /**
     * One line about {@code failure}: a TLS handshake failure (untrusted certificate, missing client certificate,
     * plaintext on one side) says so and what to check; anything else is its gRPC status.
     */
    public static String describe(Throwable failure) {
        SSLException tls = tlsCause(failure);
        if (tls != null) {
            return "TLS handshake failed: " + tls.getMessage() + " (check grpc_tls: ca_path must hold the CA that "
                    + "signed the worker's certificate, for the host name in the address; a worker started with "
                    + "--tls-client-ca needs cert_path and key_path; both sides must use TLS or neither)";
        }
        Throwable cause = unwrap(failure);
        if (cause instanceof TimeoutException) {
            return "no answer in time";
        }
        Status status = Status.fromThrowable(cause);
        if (status.getCode() == Status.Code.UNKNOWN) {
            return String.valueOf(cause);
        }
        StringBuilder text = new StringBuilder(status.getCode().toString());
        if (status.getDescription() != null) {
            text.append(": ").append(status.getDescription());
        }
        Throwable root = status.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != null && root.getMessage() != null) {
            text.append(" (").append(root.getMessage()).append(')');
        }
        return text.toString();
    }

    /** True when the failure came from the TLS handshake. */
    public static boolean isTls(Throwable failure) {
        return tlsCause(failure) != null;
    }

    private static SSLException tlsCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException ssl) {
                return ssl;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** The failure inside CompletionException/ExecutionException wrappers. */
    public static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
