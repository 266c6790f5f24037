package dev.specgate.cli;

import io.grpc.InsecureServerCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS options of {@code ./specgate verifier} and {@code ./specgate draft}, as picocli parses them. */
class ServerTlsOptionsTest {

    @Test
    void bothWorkersTakeTheTlsOptions(@TempDir Path dir) {
        String cert = dir.resolve("w.crt").toString();
        String key = dir.resolve("w.key").toString();
        String ca = dir.resolve("ca.crt").toString();
        VerifierCommand verifier = new VerifierCommand();
        new CommandLine(verifier).parseArgs("--model", "m.gguf", "--tls-cert", cert, "--tls-key", key,
                "--tls-client-ca", ca);
        assertEquals(Path.of(cert), verifier.tls.cert);
        assertEquals(Path.of(key), verifier.tls.key);
        assertEquals(Path.of(ca), verifier.tls.clientCa);
        DraftCommand draft = new DraftCommand();
        new CommandLine(draft).parseArgs("--model", "m.gguf", "--tls-cert", cert, "--tls-key", key);
        assertEquals(Path.of(cert), draft.tls.cert);
        // Files that are not there: refused before the server starts, naming the file.
        IOException e = assertThrows(IOException.class, () -> draft.tls.credentials());
        assertTrue(e.getMessage().contains(cert), e.getMessage());
    }

    @Test
    void withoutOptionsTheWorkerServesPlaintext() throws Exception {
        VerifierCommand verifier = new VerifierCommand();
        new CommandLine(verifier).parseArgs("--model", "m.gguf");
        assertInstanceOf(InsecureServerCredentials.class, verifier.tls.credentials());
    }

    @Test
    void aClientCaAloneOrACertificateWithoutKeyIsRefused() {
        VerifierCommand onlyCa = new VerifierCommand();
        new CommandLine(onlyCa).parseArgs("--model", "m.gguf", "--tls-client-ca", "ca.crt");
        assertThrows(IllegalArgumentException.class, () -> onlyCa.tls.credentials());
        VerifierCommand noKey = new VerifierCommand();
        new CommandLine(noKey).parseArgs("--model", "m.gguf", "--tls-cert", "w.crt");
        assertThrows(IllegalArgumentException.class, () -> noKey.tls.credentials());
    }
}
