package dev.specgate.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopbackGuardTest {
    @Test
    void acceptsLoopbackOnly() {
        assertDoesNotThrow(() -> LoopbackGuard.requireLoopback("http://127.0.0.1:8080/v1"));
        assertDoesNotThrow(() -> LoopbackGuard.requireLoopback("http://localhost:8080/v1"));
        assertDoesNotThrow(() -> LoopbackGuard.requireLoopback("http://[::1]:8080/v1"));
        for (String url : new String[]{"http://10.0.0.1:8080/v1", "http://192.168.1.5/v1", "http://8.8.8.8/v1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LoopbackGuard.requireLoopback(url));
            assertTrue(e.getMessage().contains("only loopback"), e.getMessage());
        }
    }

    @Test
    void theClientRefusesBeforeConnecting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StreamingClient("http://10.1.2.3:8080/v1", Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("refusing"), e.getMessage());
    }
}
