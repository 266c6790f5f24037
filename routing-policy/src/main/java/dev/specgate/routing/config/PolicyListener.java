package dev.specgate.routing.config;

/** Told when {@link PolicyStore} replaces the policy; called on the thread that made the change. */
@FunctionalInterface
public interface PolicyListener {
    void policyChanged(PolicyConfig previous, PolicyConfig current);
}
