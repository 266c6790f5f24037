package dev.specgate.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS on the HTTP port from PEM files, with a certificate made here by the JDK's keytool. */
class TlsTest {

    @Test
    void servesHttpsWithPemCertificate(@TempDir Path dir) throws Exception {
        TestCertificates.Authority ca = TestCertificates.authority(dir, "test-ca");
        TestCertificates.Issued server = ca.issue("gateway");
        try (Gateway g = TestGateway.start(c -> {
            c.tls.enabled = true;
            c.tls.certPath = server.certPem().toString();
            c.tls.keyPath = server.keyPem().toString();
        })) {
            assertTrue(g.baseUrl().startsWith("https://"));
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.cert());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"" + g.modelName() + "\",\"prompt\":\"And God\",\"max_tokens\":4}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"text_completion\""));
        }
    }
}
