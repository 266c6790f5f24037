package dev.specgate.load;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Runs a {@link Workload} against a gateway and collects one {@link RequestRecord} per request. */
public final class LoadGenerator {
    private final StreamingClient client;
    private final PromptMix prompts;
    private final boolean progressBar;

    public LoadGenerator(StreamingClient client, PromptMix prompts, boolean progressBar) {
        this.client = client;
        this.prompts = prompts;
        this.progressBar = progressBar;
    }

    /** Runs to completion; {@code runStartNanos} is the zero of every record's timestamps. */
    public List<RequestRecord> run(Workload workload, long runStartNanos) throws InterruptedException {
        List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger issued = new AtomicInteger();
        long deadline = System.nanoTime() + workload.duration().toNanos();
        try (ProgressBar bar = progressBar(workload);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            Runnable one = () -> {
                var request = new StreamingClient.Request(workload.label(), prompts.next(), workload.maxTokens(),
                        workload.mode());
                RequestRecord record = client.send(request, runStartNanos);
                records.add(record);
                if (bar != null) {
                    bar.step();
                    bar.setExtraMessage(record.ok() ? "" : "errors!");
                }
            };
            if (workload.kind() == Workload.Kind.CLOSED) {
                for (int u = 0; u < workload.users(); u++) {
                    clients.submit(() -> {
                        while (System.nanoTime() < deadline && issued.incrementAndGet() <= workload.maxRequests()) {
                            one.run();
                        }
                    });
                }
            } else {
                // Exponential gaps between arrivals make a Poisson process; a fixed seed makes it repeatable.
                SplittableRandom random = new SplittableRandom(42);
                long next = System.nanoTime();
                while (issued.incrementAndGet() <= workload.maxRequests()) {
                    next += (long) (-Math.log(1 - random.nextDouble()) / workload.ratePerSecond() * 1e9);
                    if (next >= deadline) {
                        break;
                    }
                    LockSupport.parkNanos(next - System.nanoTime());
                    clients.submit(one);
                }
            }
            clients.shutdown();
            long waitNanos = deadline - System.nanoTime() + workload.grace().toNanos();
            if (!clients.awaitTermination(Math.max(0, waitNanos), TimeUnit.NANOSECONDS)) {
                clients.shutdownNow(); // a stuck stream must not hang the run; it is recorded as interrupted
                clients.awaitTermination(10, TimeUnit.SECONDS);
            }
        }
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    private ProgressBar progressBar(Workload workload) {
        if (!progressBar) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(workload.label()).setInitialMax(workload.maxRequests())
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setMaxRenderedLength(100)
                .showSpeed().setUnit(" req", 1).continuousUpdate().build();
    }

    /** Duration helper for command lines: "30s", "2m", "500ms" or plain seconds. */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
        }
        return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    }
}
