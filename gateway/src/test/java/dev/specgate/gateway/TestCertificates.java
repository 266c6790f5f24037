package dev.specgate.gateway;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Certificates made at test time by the JDK's keytool: a test CA and certificates it issues, written as the PEM
 * files the gateway and the workers read (certificate, PKCS#8 key).
 */
final class TestCertificates {
    /** Names every issued certificate is valid for: what the tests connect to. */
    static final String SAN = "dns:localhost,dns:verifier-headless,ip:127.0.0.1,ip:127.0.0.2";
    private static final String PASSWORD = "changeit";

    /** A certificate in {@code certPem} with its key in {@code keyPem}. */
    record Issued(Path certPem, Path keyPem, X509Certificate cert) {
    }

    /** A CA whose certificate is {@code certPem}. */
    record Authority(Path dir, String name, Path keystore, Path certPem, X509Certificate cert) {
        /** A certificate for {@link #SAN}, signed by this CA (e.g. a worker's, or the gateway's client one). */
        Issued issue(String leaf) throws IOException, InterruptedException, GeneralSecurityException {
            Path store = dir.resolve(leaf + ".p12");
            Path csr = dir.resolve(leaf + ".csr");
            Path certPem = dir.resolve(leaf + ".crt");
            keytool("-genkeypair", "-alias", leaf, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=" + leaf, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", PASSWORD);
            keytool("-certreq", "-alias", leaf, "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", csr.toString());
            keytool("-gencert", "-alias", name, "-keystore", keystore.toString(), "-storepass", PASSWORD,
                    "-infile", csr.toString(), "-outfile", certPem.toString(), "-rfc", "-validity", "2",
                    "-ext", "SAN=" + SAN);
            KeyStore ks = load(store);
            Path keyPem = dir.resolve(leaf + ".key");
            Files.writeString(keyPem, pem("PRIVATE KEY", ks.getKey(leaf, PASSWORD.toCharArray()).getEncoded()));
            return new Issued(certPem, keyPem, readCertificate(certPem));
        }
    }

    private TestCertificates() {
    }

    /** A new self-signed CA named {@code name}, in {@code dir}. */
    static Authority authority(Path dir, String name) throws IOException, InterruptedException,
            GeneralSecurityException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", PASSWORD);
        Path certPem = dir.resolve(name + ".crt");
        X509Certificate cert = (X509Certificate) load(store).getCertificate(name);
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        return new Authority(dir, name, store, certPem, cert);
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static X509Certificate readCertificate(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "keytool " + String.join(" ", args) + ": " + output);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
