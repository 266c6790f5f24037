package dev.specgate.gateway.replicas;

import dev.specgate.gateway.decode.VerifierChannel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Turns the configured verifier addresses into replicas: a host name that resolves to several addresses (a
 * Kubernetes headless Service: one per ready pod) becomes one replica per address, so sessions spread over the
 * pods. Resolved again every period: new addresses get a channel, vanished ones are retired (no new sessions;
 * their sessions move on their next round) and closed one period later. A name that fails to resolve keeps its
 * last addresses. Channels to resolved addresses present the host name as their authority, so TLS checks the
 * certificate against the name, not the pod's address.
 */
public final class ReplicaResolver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReplicaResolver.class.getName());

    /** Opens a channel to {@code address} ({@code ip:port}); {@code authority} is the host name's, or null. */
    @FunctionalInterface
    public interface Connector {
        VerifierChannel open(String address, String authority);
    }

    private final List<VerifierAddress> addresses;
    private final AddressResolver resolver;
    private final Connector connector;
    private final ReplicaPool pool;
    private final Map<String, VerifierReplica> current = new LinkedHashMap<>();
    private final Map<VerifierAddress, List<String>> lastResolved = new HashMap<>();
    private final Map<VerifierAddress, String> lastProblem = new HashMap<>();
    private final List<VerifierReplica> retired = new ArrayList<>();
    private ScheduledFuture<?> periodic;
    private boolean closed;

    ReplicaResolver(List<VerifierAddress> addresses, AddressResolver resolver, Connector connector, ReplicaPool pool) {
        this.addresses = List.copyOf(addresses);
        this.resolver = resolver;
        this.connector = connector;
        this.pool = pool;
    }

    List<VerifierAddress> addresses() {
        return addresses;
    }

    /** Resolves every address now and updates the pool. */
    public synchronized void refresh() {
        if (closed) {
            return;
        }
        closeRetired(); // retired a period ago: their last calls have had time to finish
        Map<String, String> wanted = new LinkedHashMap<>(); // ip:port -> authority
        for (VerifierAddress address : addresses) {
            for (String ipPort : resolve(address)) {
                wanted.putIfAbsent(ipPort, address.literal() ? null : address.authority());
            }
        }
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                current.put(e.getKey(), new VerifierReplica(e.getKey(), connector.open(e.getKey(), e.getValue())));
                added.add(e.getKey());
            }
        }
        for (String ipPort : List.copyOf(current.keySet())) {
            if (!wanted.containsKey(ipPort)) {
                VerifierReplica gone = current.remove(ipPort);
                gone.retire();
                retired.add(gone);
                removed.add(ipPort);
            }
        }
        pool.replace(List.copyOf(current.values()));
        if (!added.isEmpty() || !removed.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "verifier replicas " + current.keySet() + " (added " + added
                    + ", removed " + removed + ")");
        }
    }

    /** The address's {@code ip:port}s now, or its last ones if it does not resolve. */
    private List<String> resolve(VerifierAddress address) {
        try {
            List<String> out = new ArrayList<>();
            for (InetAddress ip : resolver.resolve(address.host())) {
                String ipPort = VerifierAddress.hostPort(ip.getHostAddress(), address.port());
                if (!out.contains(ipPort)) {
                    out.add(ipPort);
                }
            }
            lastResolved.put(address, out);
            lastProblem.remove(address);
            return out;
        } catch (UnknownHostException | RuntimeException e) {
            String problem = "cannot resolve " + address + " (" + e + ")";
            if (!problem.equals(lastProblem.put(address, problem))) {
                LOG.log(System.Logger.Level.WARNING, problem + "; keeping its last addresses "
                        + lastResolved.getOrDefault(address, List.of()));
            }
            return lastResolved.getOrDefault(address, List.of());
        }
    }

    /** Resolves again every {@code periodMillis} (0: never). */
    public synchronized void refreshEvery(ScheduledExecutorService scheduler, long periodMillis) {
        if (periodMillis > 0 && !closed) {
            periodic = scheduler.scheduleWithFixedDelay(this::refreshQuietly, periodMillis, periodMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "refreshing the verifier replicas failed: " + e);
        }
    }

    private void closeRetired() {
        retired.forEach(r -> r.channel().close());
        retired.clear();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (periodic != null) {
            periodic.cancel(false);
        }
        closeRetired();
        current.values().forEach(r -> r.channel().close());
        current.clear();
        pool.replace(List.of());
    }
}
