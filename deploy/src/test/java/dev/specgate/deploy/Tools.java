package dev.specgate.deploy;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Paths of the checkout and external tools (promtool, prometheus) for the deploy tests. */
final class Tools {
    private Tools() {
    }

    /** The repository root (surefire runs in deploy/). */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        return Files.isDirectory(dir.resolve("deploy/local")) ? dir : dir.getParent();
    }

    static Path deploy() {
        return root().resolve("deploy");
    }

    /** In CI (.ci/run sets SPECGATE_REQUIRE_MODELS=1; CI=true elsewhere) missing tools and models fail tests. */
    static boolean inCi() {
        return "1".equals(System.getenv("SPECGATE_REQUIRE_MODELS")) || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The executable {@code name} on the PATH; skips the test visibly outside CI when absent, fails in CI. */
    static Path require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = name + " is not installed (Debian package 'prometheus'; .ci/run installs it)";
        if (inCi()) {
            Assertions.fail(message);
        }
        System.err.println("SKIPPED: " + message);
        Assumptions.abort(message);
        return null;
    }

    /** A model file in $SPECGATE_MODELS; skips (outside CI) or fails (in CI) when absent. */
    static Path model(String name) {
        String dir = System.getenv().getOrDefault("SPECGATE_MODELS", root().resolve("../shared/models").toString());
        Path path = Path.of(dir, name);
        if (!Files.isRegularFile(path)) {
            String message = "model " + path + " not found";
            if (inCi()) {
                Assertions.fail(message);
            }
            System.err.println("SKIPPED: " + message);
            Assumptions.abort(message);
        }
        return path;
    }

    /** Runs a command (bounded to 60 s) and returns its combined output; fails on a non-zero exit. */
    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                Assertions.fail(String.join(" ", command) + " did not finish in 60 s");
            }
            out = p.getInputStream().readAllBytes();
        } finally {
            p.destroyForcibly();
        }
        String text = new String(out);
        Assertions.assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + text);
        return text;
    }

    /** A base port such that {@code base .. base + count - 1} are free on loopback now. */
    static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20000 + (int) (Math.random() * 30000);
            boolean free = true;
            for (int i = 0; i < count && free; i++) {
                try (ServerSocket s = new ServerSocket(base + i)) {
                    s.setReuseAddress(true);
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports");
    }
}
