package dev.specgate.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Load generation and network emulation only ever talk to this machine: a load test pointed at somebody else's
 * server by a typo is a denial-of-service attack, so anything but a loopback address is refused up front.
 */
public final class LoopbackGuard {
    private LoopbackGuard() {
    }

    /** Returns {@code url} parsed, or throws naming the host when it does not resolve to loopback only. */
    public static URI requireLoopback(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' has no host; use e.g. http://127.0.0.1:8080/v1");
        }
        requireLoopbackHost(uri.getHost());
        return uri;
    }

    public static void requireLoopbackHost(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host.replace("[", "").replace("]", ""));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
        }
        for (InetAddress address : addresses) {
            if (!address.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing to load-test '" + host + "' (" + address.getHostAddress()
                        + "): only loopback addresses (127.0.0.0/8, ::1, localhost) are allowed");
            }
        }
    }
}
