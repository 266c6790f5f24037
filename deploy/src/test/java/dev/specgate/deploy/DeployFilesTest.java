package dev.specgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.specgate.engine.model.Model;
import dev.specgate.gateway.GatewayConfig;
import dev.specgate.gateway.metrics.GatewayMetrics;
import dev.specgate.routing.config.PolicyCodec;
import dev.specgate.verifier.VerifierConfig;
import dev.specgate.verifier.VerifierEngine;
import dev.specgate.verifier.VerifierMetrics;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every manifest and config under deploy/ parses, has its required fields and matches the code's defaults. */
class DeployFilesTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    /** Default of a picocli option, read from the command class (package-private in dev.specgate.cli). */
    private static String optionDefault(String command, String field) throws Exception {
        return Class.forName("dev.specgate.cli." + command).getDeclaredField(field)
                .getAnnotation(Option.class).defaultValue();
    }

    private static String cliConstant(String command, String field) throws Exception {
        var f = Class.forName("dev.specgate.cli." + command).getDeclaredField(field);
        f.setAccessible(true);
        return (String) f.get(null);
    }

    private static List<JsonNode> docs(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readValues(YAML.getFactory().createParser(file.toFile()), JsonNode.class)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    out.add(doc);
                }
            }
        }
        return out;
    }

    private static List<Path> files(String dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(Tools.deploy().resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static JsonNode container(String manifest) throws Exception {
        for (JsonNode doc : docs(Tools.deploy().resolve("k8s/base/" + manifest))) {
            if (doc.path("kind").asText().equals("Deployment")) {
                return doc.at("/spec/template/spec/containers/0");
            }
        }
        throw new AssertionError("no Deployment in " + manifest);
    }

    private static String arg(JsonNode container, String option) {
        JsonNode args = container.path("args");
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).asText().equals(option)) {
                return args.get(i + 1).asText();
            }
        }
        throw new AssertionError(option + " not in " + args);
    }

    @Test
    void everyKubernetesManifestParsesAndHasRequiredFields() throws Exception {
        int workloads = 0;
        for (Path file : files("k8s", ".yaml")) {
            if (file.getFileName().toString().equals("kustomization.yaml") || file.getParent().endsWith("config")
                    || file.getFileName().toString().equals("gateway.yaml") && file.getParent().endsWith("example")) {
                continue;
            }
            for (JsonNode doc : docs(file)) {
                assertFalse(doc.path("apiVersion").asText().isEmpty(), file + ": apiVersion");
                assertFalse(doc.path("kind").asText().isEmpty(), file + ": kind");
                assertFalse(doc.at("/metadata/name").asText().isEmpty(), file + ": metadata.name");
                if (doc.path("kind").asText().equals("Deployment") && !file.toString().contains("patch")) {
                    workloads++;
                    assertEquals(doc.at("/spec/selector/matchLabels"), doc.at("/spec/template/metadata/labels"),
                            file + ": selector matches the pod labels");
                    for (JsonNode c : doc.at("/spec/template/spec/containers")) {
                        assertFalse(c.path("image").asText().isEmpty(), file + ": image");
                        assertTrue(c.has("readinessProbe") && c.has("livenessProbe"), file + ": probes");
                        assertTrue(c.at("/resources/requests").has("cpu") && c.at("/resources/requests").has("memory"),
                                file + ": resource requests");
                    }
                }
            }
        }
        assertEquals(3, workloads, "verifier, gateway and draft Deployments");
        for (String dir : List.of("k8s/base", "k8s/overlays/example")) {
            JsonNode k = YAML.readTree(Tools.deploy().resolve(dir + "/kustomization.yaml").toFile());
            for (JsonNode r : k.path("resources")) {
                assertTrue(Files.exists(Tools.deploy().resolve(dir).resolve(r.asText())), dir + ": " + r);
            }
        }
    }

    @Test
    void portsModelsAndImagesMatchTheCode() throws Exception {
        JsonNode gateway = container("gateway.yaml");
        assertEquals(new GatewayConfig().port, gateway.at("/ports/0/containerPort").asInt());
        JsonNode verifier = container("verifier.yaml");
        assertEquals(optionDefault("VerifierCommand", "port"), arg(verifier, "--port"));
        assertEquals(optionDefault("VerifierCommand", "port"), verifier.at("/ports/0/containerPort").asText());
        assertEquals("" + VerifierMetrics.DEFAULT_PORT, arg(verifier, "--metrics-port"));
        assertEquals(VerifierMetrics.DEFAULT_PORT, verifier.at("/ports/1/containerPort").asInt());
        assertEquals(cliConstant("ServeCommand", "DEFAULT_VERIFIER"), arg(verifier, "--model"));
        JsonNode draft = container("draft.yaml");
        assertEquals(optionDefault("DraftCommand", "port"), arg(draft, "--port"));
        assertEquals(cliConstant("ServeCommand", "DEFAULT_DRAFT"), arg(draft, "--model"));

        JsonNode kustomization = YAML.readTree(Tools.deploy().resolve("k8s/base/kustomization.yaml").toFile());
        Set<String> images = new HashSet<>();
        kustomization.path("images").forEach(i -> images.add(i.path("name").asText()));
        for (JsonNode c : List.of(gateway, verifier, draft)) {
            assertTrue(images.contains(c.path("image").asText()), "image " + c.path("image") + " in " + images);
        }
        // Each image's Dockerfile: jlink'd runtime with the Vector API, the CLI's main class, the code's ports.
        Class.forName("dev.specgate.cli.Main");
        for (String svc : List.of("gateway", "verifier", "draft")) {
            String dockerfile = Files.readString(Tools.deploy().resolve("docker/" + svc + ".Dockerfile"));
            assertTrue(dockerfile.contains("jlink") && dockerfile.contains("jdk.incubator.vector"), svc);
            assertTrue(dockerfile.contains("\"dev.specgate.cli.Main\""), svc);
            assertTrue(dockerfile.contains("FROM eclipse-temurin:25-jdk AS build"), svc);
        }
        String verifierDocker = Files.readString(Tools.deploy().resolve("docker/verifier.Dockerfile"));
        assertTrue(verifierDocker.contains("EXPOSE " + optionDefault("VerifierCommand", "port") + " "
                + VerifierMetrics.DEFAULT_PORT));
        assertTrue(Files.readString(Tools.deploy().resolve("docker/gateway.Dockerfile"))
                .contains("EXPOSE " + new GatewayConfig().port));
        assertTrue(Files.readString(Tools.deploy().resolve("docker/draft.Dockerfile"))
                .contains("EXPOSE " + optionDefault("DraftCommand", "port")));
    }

    @Test
    void gatewayConfigsLoadIntoGatewayConfig() throws Exception {
        String keys = Files.readString(Tools.deploy().resolve("k8s/base/config/api-keys.yaml"));
        for (String file : List.of("k8s/base/config/gateway.yaml", "k8s/overlays/example/gateway.yaml")) {
            // As the container builds it: the ConfigMap's file followed by the Secret's api-keys.yaml.
            GatewayConfig c = GatewayConfig.parse(Files.readString(Tools.deploy().resolve(file)) + "\n" + keys);
            assertEquals(new GatewayConfig().port, c.port, file);
            assertTrue(c.verifier.startsWith("grpc://specgate-verifier"), file);
            assertTrue(c.verifier.endsWith(":" + optionDefault("VerifierCommand", "port")), file);
            assertFalse(c.apiKeys.isEmpty(), file);
            assertFalse(c.adminKeys.isEmpty(), file);
            c.defaultDecodeMode();
            // The policy file is mounted from the ConfigMap next to gateway.yaml, and is a valid policy.
            assertEquals("/etc/specgate/config/policy.yaml", c.policy, file);
        }
        PolicyCodec.parse(Files.readString(Tools.deploy().resolve("k8s/base/config/policy.yaml")));
    }

    @Test
    void grpcTlsOfTheExampleOverlayFitsTogether() throws Exception {
        // The verifier patch keeps the base arguments and adds the TLS options of ./specgate verifier.
        JsonNode base = container("verifier.yaml").path("args");
        JsonNode patched = docs(Tools.deploy().resolve("k8s/overlays/example/verifier-grpc-tls-patch.yaml"))
                .getFirst().at("/spec/template/spec/containers/0/args");
        for (int i = 0; i < base.size(); i++) {
            assertEquals(base.get(i), patched.get(i), "base argument " + i);
        }
        Set<String> tlsOptions = new HashSet<>();
        for (var field : Class.forName("dev.specgate.cli.ServerTlsOptions").getDeclaredFields()) {
            Option option = field.getAnnotation(Option.class);
            if (option != null) {
                tlsOptions.addAll(List.of(option.names()));
            }
        }
        for (int i = base.size(); i < patched.size(); i += 2) {
            assertTrue(tlsOptions.contains(patched.get(i).asText()), patched.get(i) + " is one of " + tlsOptions);
        }
        assertEquals(base.size() + 2 * tlsOptions.size(), patched.size(), "every TLS option set: " + patched);
        // The gateway's client certificate files are where its patch mounts the gRPC TLS secret.
        JsonNode gatewayPatch = docs(Tools.deploy().resolve("k8s/overlays/example/gateway-tls-patch.yaml")).getFirst();
        String mount = null;
        for (JsonNode m : gatewayPatch.at("/spec/template/spec/containers/0/volumeMounts")) {
            if (m.path("name").asText().equals("grpc-tls")) {
                mount = m.path("mountPath").asText();
            }
        }
        GatewayConfig c = GatewayConfig.parse(Files.readString(Tools.deploy().resolve("k8s/overlays/example/gateway.yaml")));
        assertTrue(c.grpcTls.enabled);
        for (String file : List.of(c.grpcTls.caPath, c.grpcTls.certPath, c.grpcTls.keyPath)) {
            assertTrue(mount != null && file.startsWith(mount + "/"), file + " under " + mount);
        }
    }

    @Test
    void dashboardsAndRulesUseMetricsTheCodeExports() throws Exception {
        Set<String> exported = new HashSet<>();
        GatewayMetrics gateway = new GatewayMetrics();
        gateway.request("speculative", 200);
        gateway.generated("speculative", 1);
        gateway.round(2, 1, 1000);
        gateway.decision("hybrid", "default");
        gateway.speculationK(2);
        collect(new String(gateway.scrape()), exported);
        try (Model model = Model.load(Tools.model("kjv-verifier-14m-q8_0.gguf"));
             VerifierEngine engine = new VerifierEngine(model, VerifierConfig.defaults());
             VerifierMetrics verifier = new VerifierMetrics(engine)) {
            collect(new String(verifier.scrape()), exported);
        }
        Set<String> recorded = Set.of("specgate_verifier_batch_occupancy");
        Pattern metric = Pattern.compile("\\bspecgate_[a-z_]+\\b");
        List<Path> files = new ArrayList<>(files("grafana", ".json"));
        files.addAll(files("prometheus", ".yml"));
        files.addAll(files("prometheus", ".yaml"));
        files.add(Tools.deploy().resolve("k8s/base/hpa.yaml"));
        for (Path file : files) {
            String text = Files.readString(file);
            if (file.toString().endsWith(".json")) {
                JsonNode dash = new ObjectMapper().readTree(text);
                assertFalse(dash.path("panels").isEmpty(), file + ": panels");
            } else {
                docs(file);
            }
            Matcher m = metric.matcher(text);
            while (m.find()) {
                String name = m.group().replaceAll("_(bucket|sum|count|total)$", "");
                assertTrue(exported.contains(name) || recorded.contains(name),
                        file.getFileName() + " uses " + m.group() + ", which no component exports: " + exported);
            }
        }
    }

    private static void collect(String exposition, Set<String> names) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                names.add(line.split(" ")[2].replaceAll("_total$", ""));
            }
        }
    }

    @Test
    void alertRulesAndPrometheusConfigPassPromtool() throws Exception {
        Path promtool = Tools.require("promtool");
        Path dir = Tools.deploy().resolve("prometheus");
        String rules = Tools.run(dir, promtool.toString(), "check", "rules", "alerts.yml");
        assertTrue(rules.contains("SUCCESS"), rules);
        // prometheus.yml uses kubernetes_sd_configs, which Debian's build leaves out: promtool checks the local
        // config (same rule file); the Kubernetes one is checked structurally here.
        Tools.run(dir, promtool.toString(), "check", "config", "prometheus-local.yml");
        JsonNode k8s = YAML.readTree(dir.resolve("prometheus.yml").toFile());
        Set<String> jobs = new HashSet<>();
        k8s.path("scrape_configs").forEach(j -> jobs.add(j.path("job_name").asText()));
        assertEquals(Set.of("specgate-gateway", "specgate-verifier"), jobs);
        assertEquals("alerts.yml", k8s.at("/rule_files/0").asText());
    }
}
