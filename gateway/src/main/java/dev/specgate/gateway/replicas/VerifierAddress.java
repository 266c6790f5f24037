package dev.specgate.gateway.replicas;

import java.util.ArrayList;
import java.util.List;

/** One {@code grpc://host:port} verifier address of the configuration; the host may be a name or an IP literal. */
public record VerifierAddress(String host, int port) {
    private static final String SCHEME = "grpc://";

    /** Parses a comma-separated list, e.g. {@code grpc://h1:9400,grpc://[::1]:9400}. */
    public static List<VerifierAddress> parseList(String spec) {
        List<VerifierAddress> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no verifier address in '" + spec + "'");
        }
        return out;
    }

    public static VerifierAddress parse(String address) {
        if (!address.startsWith(SCHEME)) {
            throw new IllegalArgumentException("verifier address '" + address + "' must look like grpc://host:port");
        }
        String rest = address.substring(SCHEME.length());
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new IllegalArgumentException("verifier address '" + address + "' has no port (grpc://host:port)");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(rest.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("verifier address '" + address + "': bad port", e);
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("verifier address '" + address + "': port out of range");
        }
        return new VerifierAddress(host, port);
    }

    /** True when the host is an IP literal (nothing to resolve). */
    public boolean literal() {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** {@code host:port} as gRPC targets and TLS authorities write it. */
    public String authority() {
        return hostPort(host, port);
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return SCHEME + authority();
    }
}
