package dev.specgate.routing.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Keeps a {@link PolicyStore} in step with a policy file.
 *
 * <p>{@link #checkNow()} is the whole reload: read the file, and if its text differs from the last text seen,
 * {@link PolicyStore#update(String) update} the store. It compares content, not modification times, because
 * mtimes are coarse on some file systems and two quick writes can share one. {@link #start()} calls it from a
 * daemon thread whenever a {@link WatchService} reports a change in the file's directory (watching the
 * directory also catches editors that replace the file by renaming), and once every {@code fallbackPoll} in
 * case an event is lost. A caller that prefers to drive reloads itself just calls {@link #checkNow()}.
 *
 * <p>An invalid file leaves the old policy in force; the error is kept in {@link #lastError()} and passed to
 * the error handler. A file that disappears is an error too (the policy stays).
 */
public final class PolicyFileWatcher implements AutoCloseable {

    private final Path file;
    private final PolicyStore store;
    private final Consumer<InvalidPolicyException> onError;
    private final long fallbackPollMillis;
    private final AtomicReference<String> lastText = new AtomicReference<>();
    private final AtomicReference<InvalidPolicyException> lastError = new AtomicReference<>();
    private volatile WatchService watchService;
    private volatile Thread thread;

    /**
     * @param onError      told about every rejected version of the file (e.g. to log it)
     * @param fallbackPoll how often the background thread checks even without an event, ms
     */
    public PolicyFileWatcher(Path file, PolicyStore store, Consumer<InvalidPolicyException> onError, long fallbackPoll) {
        this.file = file.toAbsolutePath();
        this.store = Objects.requireNonNull(store, "store");
        this.onError = Objects.requireNonNull(onError, "onError");
        if (fallbackPoll <= 0) {
            throw new IllegalArgumentException("fallbackPoll must be > 0");
        }
        this.fallbackPollMillis = fallbackPoll;
    }

    public PolicyFileWatcher(Path file, PolicyStore store) {
        this(file, store, error -> { }, 2_000);
    }

    /**
     * Reloads the file if its content changed since the last check. Returns true when the store was updated
     * (or already held an equal policy); false when nothing changed or the new text was rejected.
     */
    public synchronized boolean checkNow() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return reject(new InvalidPolicyException("", "policy file " + file + " does not exist"));
        } catch (IOException e) {
            return reject(new InvalidPolicyException("", "cannot read policy file " + file + ": " + e.getMessage()));
        }
        if (text.equals(lastText.get())) {
            return false;
        }
        lastText.set(text);
        try {
            store.update(text);
            lastError.set(null);
            return true;
        } catch (InvalidPolicyException e) {
            return reject(e);
        } catch (RuntimeException e) {
            // A store listener failed after the new policy was installed: the file is fine, the listener is not.
            lastError.set(null);
            throw e;
        }
    }

    private boolean reject(InvalidPolicyException error) {
        lastError.set(error);
        onError.accept(error);
        return false;
    }

    /** The error of the most recent rejected version of the file, cleared when a valid one is loaded. */
    public Optional<InvalidPolicyException> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    /** Loads the file once, then watches it on a daemon thread until {@link #close()}. */
    public synchronized PolicyFileWatcher start() throws IOException {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        WatchService service = file.getFileSystem().newWatchService();
        file.getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        watchService = service;
        checkNow();
        thread = Thread.ofPlatform().daemon().name("policy-watch-" + file.getFileName()).start(() -> watchLoop(service));
        return this;
    }

    private void watchLoop(WatchService service) {
        try {
            while (true) {
                WatchKey key = service.poll(fallbackPollMillis, TimeUnit.MILLISECONDS);
                if (key != null) {
                    // Any event in the directory may concern our file (renames report the other name); the
                    // content comparison in checkNow() makes a spurious check cheap and harmless.
                    key.pollEvents();
                    key.reset();
                }
                try {
                    checkNow();
                } catch (RuntimeException e) {
                    // Only a store listener can throw here (the policy is already in force); keep watching.
                    System.getLogger(PolicyFileWatcher.class.getName()).log(System.Logger.Level.WARNING,
                            "a policy listener failed after reloading " + file, e);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // close() was called: stop quietly.
        }
    }

    @Override
    public synchronized void close() throws IOException {
        Thread running = thread;
        thread = null;
        if (watchService != null) {
            watchService.close();
            watchService = null;
        }
        if (running != null) {
            running.interrupt();
        }
    }
}
