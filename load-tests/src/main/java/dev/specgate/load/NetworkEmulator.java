package dev.specgate.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that makes one machine look like a network: every chunk of bytes is held back by a
 * one-way delay plus uniform jitter, links can be limited in bandwidth, connections can be cut and the path
 * can be partitioned (a blackhole: bytes are held, not delivered, until it heals; new connections hang).
 *
 * <p>The gateway points its verifier at {@code grpc://127.0.0.1:<port()>}; an RTT of r ms is a one-way delay of
 * r/2 on each direction. Settings are volatile fields read per chunk, so a scenario can change them mid-run.
 * Chunks never overtake each other (TCP is a byte stream), so jitter only ever delays.
 */
public final class NetworkEmulator implements AutoCloseable {
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUED_CHUNKS = 256;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile long oneWayDelayNanos;
    private volatile long jitterNanos;
    private volatile long bytesPerSecond;
    private volatile boolean partitioned;
    private volatile boolean closed;

    private NetworkEmulator(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** Listens on a free loopback port and forwards to {@code targetPort} on loopback. */
    public static NetworkEmulator start(int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        NetworkEmulator emulator = new NetworkEmulator(listener,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        Thread.ofVirtual().name("netem-accept").start(emulator::acceptLoop);
        return emulator;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Round-trip time added by the proxy: half of it each way. */
    public NetworkEmulator rtt(long millis) {
        oneWayDelayNanos = TimeUnit.MILLISECONDS.toNanos(millis) / 2;
        return this;
    }

    public NetworkEmulator oneWayDelay(long millis) {
        oneWayDelayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        return this;
    }

    /** Each chunk gets an extra delay drawn uniformly from [0, millis] (per direction). */
    public NetworkEmulator jitter(long millis) {
        jitterNanos = TimeUnit.MILLISECONDS.toNanos(millis);
        return this;
    }

    /** Per direction and connection; 0 = unlimited. */
    public NetworkEmulator bandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Partition on: nothing is delivered and new connections are not put through until it is lifted. */
    public NetworkEmulator partition(boolean on) {
        partitioned = on;
        return this;
    }

    /** Cuts every open connection at once, as a crashed middlebox or a reset would. */
    public void dropConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    public long oneWayDelayMillis() {
        return TimeUnit.NANOSECONDS.toMillis(oneWayDelayNanos);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                client.setTcpNoDelay(true);
                sockets.add(client);
                Thread.ofVirtual().name("netem-connect").start(() -> connect(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("netem: accept failed: " + e);
                }
            }
        }
    }

    private void connect(Socket client) {
        // In a partition the SYN goes nowhere: the client's connect hangs until it heals or the client gives up.
        while (partitioned && !closed && !client.isClosed()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        Socket upstream = new Socket();
        try {
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 5000);
        } catch (IOException e) {
            // Target down (a killed verifier): refuse like it would, by closing.
            closeQuietly(client);
            closeQuietly(upstream);
            sockets.remove(client);
            return;
        }
        sockets.add(upstream);
        pipe(client, upstream, "up");
        pipe(upstream, client, "down");
    }

    /** One direction: a reader stamps each chunk with its delivery time, a writer delivers it then. */
    private void pipe(Socket from, Socket to, String direction) {
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
        Thread.ofVirtual().name("netem-read-" + direction).start(() -> {
            long lastDelivery = 0;
            long linkFree = 0;
            byte[] buffer = new byte[CHUNK];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    long now = System.nanoTime();
                    long bandwidth = bytesPerSecond;
                    // Serialisation: a limited link sends one chunk after the other.
                    linkFree = bandwidth > 0 ? Math.max(linkFree, now) + n * 1_000_000_000L / bandwidth : now;
                    long jitter = jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos + 1) : 0;
                    long deliverAt = Math.max(lastDelivery, linkFree + oneWayDelayNanos + jitter);
                    lastDelivery = deliverAt;
                    queue.put(new Chunk(java.util.Arrays.copyOf(buffer, n), deliverAt));
                }
            } catch (IOException | InterruptedException e) {
                // connection gone: the writer ends on the poison chunk
            }
            try {
                queue.put(Chunk.END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.ofVirtual().name("netem-write-" + direction).start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                    if (chunk == null) {
                        if (closed || to.isClosed()) {
                            break;
                        }
                        continue;
                    }
                    if (chunk == Chunk.END) {
                        break;
                    }
                    long wait;
                    while ((wait = chunk.deliverAt - System.nanoTime()) > 0 || partitioned) {
                        if (closed || to.isClosed()) {
                            return;
                        }
                        LockSupport.parkNanos(partitioned ? TimeUnit.MILLISECONDS.toNanos(5) : wait);
                    }
                    out.write(chunk.bytes);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    private record Chunk(byte[] bytes, long deliverAt) {
        static final Chunk END = new Chunk(new byte[0], 0);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        dropConnections();
    }
}
