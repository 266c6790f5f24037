package dev.specgate.routing.config;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Holds the policy in force. Readers call {@link #current()} on every decision (one volatile read); writers
 * replace the whole policy with {@link #update(String)}, which validates first, so a bad text never replaces a
 * good policy: the exception carries the field path and the old policy stays in force.
 */
public final class PolicyStore implements Supplier<PolicyConfig> {

    private final AtomicReference<PolicyConfig> current;
    private final List<PolicyListener> listeners = new CopyOnWriteArrayList<>();

    public PolicyStore(PolicyConfig initial) {
        this.current = new AtomicReference<>(PolicyValidator.validate(Objects.requireNonNull(initial, "initial")));
    }

    /** A store holding {@link PolicyConfig#defaults()}. */
    public static PolicyStore withDefaults() {
        return new PolicyStore(PolicyConfig.defaults());
    }

    public PolicyConfig current() {
        return current.get();
    }

    @Override
    public PolicyConfig get() {
        return current();
    }

    /**
     * Parses, validates and installs {@code yamlOrJson}. Listeners are told only when the policy actually
     * changed. Throws {@link InvalidPolicyException} (old policy kept) when the text is not a valid policy.
     */
    public PolicyConfig update(String yamlOrJson) {
        return replace(PolicyCodec.parse(yamlOrJson));
    }

    /** Installs an already built policy (validated here too). */
    public PolicyConfig replace(PolicyConfig next) {
        PolicyValidator.validate(next);
        PolicyConfig previous = current.getAndSet(next);
        if (!previous.equals(next)) {
            // One failing listener must not keep the others uninformed; its exception still reaches the
            // caller (after the new policy is in force), with any further failures attached as suppressed.
            RuntimeException failure = null;
            for (PolicyListener listener : listeners) {
                try {
                    listener.policyChanged(previous, next);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }
        return next;
    }

    /** The current policy as YAML, for {@code GET /admin/policy}. */
    public String currentAsYaml() {
        return PolicyCodec.toYaml(current());
    }

    /** The current policy as JSON, for {@code GET /admin/policy} with {@code Accept: application/json}. */
    public String currentAsJson() {
        return PolicyCodec.toJson(current());
    }

    public void addListener(PolicyListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(PolicyListener listener) {
        listeners.remove(listener);
    }
}
