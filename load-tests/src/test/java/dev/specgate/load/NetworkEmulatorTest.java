package dev.specgate.load;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The proxy against a loopback echo server: RTT, bandwidth, partition and drops behave as configured. */
class NetworkEmulatorTest {
    private ServerSocket echo;
    private NetworkEmulator emulator;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // client gone
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        emulator = NetworkEmulator.start(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        emulator.close();
        echo.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), emulator.port());
        s.setTcpNoDelay(true);
        s.setSoTimeout(3000);
        return s;
    }

    /** Median of a few ping-pongs of one byte, in ms. */
    private static double rttMs(Socket s) throws IOException {
        double[] samples = new double[7];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            s.getOutputStream().write(i);
            assertEquals(i, s.getInputStream().read());
            samples[i] = (System.nanoTime() - t) / 1e6;
        }
        return new Percentiles(samples).at(50);
    }

    @Test
    void addsTheConfiguredRoundTripTime() throws IOException {
        try (Socket s = connect()) {
            assertTrue(rttMs(s) < 10, "no delay configured");
            emulator.rtt(20);
            double rtt20 = rttMs(s);
            assertTrue(rtt20 >= 20 && rtt20 < 45, "20 ms RTT measured " + rtt20);
            emulator.rtt(80);
            double rtt80 = rttMs(s);
            assertTrue(rtt80 >= 80 && rtt80 < 110, "80 ms RTT measured " + rtt80);
        }
    }

    @Test
    void limitsBandwidth() throws IOException {
        emulator.bandwidth(400_000); // 64 KiB each way at 400 kB/s: about 0.16 s, serialised, plus the echo back
        try (Socket s = connect()) {
            byte[] data = new byte[64 * 1024];
            new java.util.Random(1).nextBytes(data);
            long t = System.nanoTime();
            Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(data);
                } catch (IOException e) {
                    // reported by the read below
                }
            });
            byte[] back = s.getInputStream().readNBytes(data.length);
            double seconds = (System.nanoTime() - t) / 1e9;
            assertArrayEquals(data, back);
            assertTrue(seconds >= 0.15 && seconds < 2, "took " + seconds + " s");
        }
    }

    @Test
    void partitionHoldsBytesUntilItHeals() throws Exception {
        try (Socket s = connect()) {
            assertTrue(rttMs(s) < 10);
            emulator.partition(true);
            s.setSoTimeout(300);
            s.getOutputStream().write(42);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "blackholed");
            emulator.partition(false);
            s.setSoTimeout(3000);
            assertEquals(42, s.getInputStream().read(), "delivered after the heal");
        }
    }

    @Test
    void dropsConnections() throws IOException {
        try (Socket s = connect()) {
            assertTrue(rttMs(s) < 10);
            emulator.dropConnections();
            assertEquals(-1, s.getInputStream().read(), "the connection was cut");
        }
        try (Socket again = connect()) {
            assertTrue(rttMs(again) < 10, "new connections go through");
        }
    }
}
