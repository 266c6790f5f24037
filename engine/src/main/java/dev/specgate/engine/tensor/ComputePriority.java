package dev.specgate.engine.tensor;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Lowers the scheduling priority (Linux {@code nice}) of the threads that run forward passes, so that threads
 * that move requests and tokens (HTTP and gRPC event loops, decode threads, a client on the same machine) run as
 * soon as they wake instead of waiting for a forward pass's time slice to end.
 *
 * <p>Why: a forward pass keeps every core busy for milliseconds. Measured on 2 cores with the verifier in the
 * gateway's process, the first token of a verifier-only stream waited 0.3-0.6 ms for the event loop and as long
 * again for the client to be scheduled, while the verifier computed the next tokens. A lower priority costs the
 * forward pass nothing when nothing else wants the cores; when something does, the short I/O work goes first.
 *
 * <p>Best effort: Linux only (elsewhere, or if the call fails, nothing changes), platform threads only, and only
 * ever lowered (an unprivileged process may raise its nice value, not lower it). The step is
 * {@value #DEFAULT_NICE} by default; the system property {@code specgate.compute.nice} changes it (0 turns it off).
 */
public final class ComputePriority {
    static final int DEFAULT_NICE = 10;
    private static final int PRIO_PROCESS = 0; // with a thread id, setpriority applies to that one thread on Linux
    private static final int MAX_NICE = 19;
    private static final int STEP = Math.clamp(Integer.getInteger("specgate.compute.nice", DEFAULT_NICE), 0, MAX_NICE);

    private static final MethodHandle GETTID = libc("gettid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPRIORITY = libc("getpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETPRIORITY = libc("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    private ComputePriority() {
    }

    /**
     * Lowers the calling thread's priority by the configured step (nice + step, at most 19). Call once, from a
     * platform thread that will run forward passes. Returns whether the priority was changed.
     */
    public static boolean lowerCurrentThread() {
        if (STEP == 0 || GETTID == null || GETPRIORITY == null || SETPRIORITY == null
                || Thread.currentThread().isVirtual()) {
            return false;
        }
        try {
            int tid = (int) GETTID.invokeExact();
            int nice = (int) GETPRIORITY.invokeExact(PRIO_PROCESS, tid);
            int target = Math.min(MAX_NICE, nice + STEP);
            return target != nice && (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, target) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, descriptor))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            return null; // no native access: run at the normal priority
        }
    }
}
