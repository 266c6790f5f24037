package dev.specgate.engine.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ComputePriorityTest {

    /** A thread's nice value, field 19 of {@code /proc/.../stat} (after the parenthesised name). */
    private static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").startsWith("Linux") && Files.isDirectory(Path.of("/proc/thread-self"));
    }

    @Test
    void lowersOnlyTheCallingThread() throws Exception {
        assumeTrue(linux(), "nice values are read from /proc");
        int mine = nice(Path.of("/proc/thread-self/stat"));
        AtomicInteger before = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        AtomicBoolean changed = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                before.set(nice(Path.of("/proc/thread-self/stat")));
                changed.set(ComputePriority.lowerCurrentThread());
                after.set(nice(Path.of("/proc/thread-self/stat")));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        assertEquals(null, failure.get());
        int expected = Math.min(19, before.get() + ComputePriority.DEFAULT_NICE);
        assertEquals(expected, after.get(), "nice after lowering (was " + before.get() + ")");
        assertEquals(expected != before.get(), changed.get());
        assertEquals(mine, nice(Path.of("/proc/thread-self/stat")), "the caller's own priority is untouched");
    }

    @Test
    void leavesVirtualThreadsAlone() throws Exception {
        AtomicBoolean changed = new AtomicBoolean(true);
        Thread.ofVirtual().start(() -> changed.set(ComputePriority.lowerCurrentThread())).join();
        assertFalse(changed.get(), "a virtual thread's carrier is shared: never reniced");
    }

    @Test
    void theKernelTeamRunsAtTheLowerPriority() throws Exception {
        assumeTrue(linux() && Parallel.threads() > 1, "needs /proc and a team of more than one thread");
        int process = nice(Path.of("/proc/self/stat"));
        int expected = Math.min(19, process + ComputePriority.DEFAULT_NICE);
        int workers = 0;
        int lowered = 0;
        // Workers lower their own priority when they start, which may be just after the team is created.
        for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline; Thread.sleep(10)) {
            Parallel.forRange(1024, 1, (from, to) -> { });
            workers = 0;
            lowered = 0;
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    if (Files.readString(task.resolve("comm")).strip().startsWith("specgate-kernel")) {
                        workers++;
                        lowered += nice(task.resolve("stat")) == expected ? 1 : 0;
                    }
                }
            }
            if (workers > 0 && lowered == workers) {
                break;
            }
        }
        assertEquals(workers, lowered, "kernel workers at nice " + expected);
        assertTrue(workers > 0, "found the kernel workers");
    }
}
