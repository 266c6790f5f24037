package dev.specgate.cli.policy;

/**
 * One threshold of the sweep.
 *
 * @param entropyLocalNats the {@code entropy_local_nats} tried
 * @param entropyCloudNats {@code entropy_cloud_nats} with it (the policy's, or just above a higher threshold)
 * @param localPrompts     prompts the policy would serve from the draft alone
 * @param prompts          all prompts
 * @param local            the verifier's verdict on the draft's answers to the prompts kept local
 */
public record CurvePoint(double entropyLocalNats, double entropyCloudNats, int localPrompts, int prompts, Verdict local) {

    public double localShare() {
        return localPrompts / (double) prompts;
    }
}
