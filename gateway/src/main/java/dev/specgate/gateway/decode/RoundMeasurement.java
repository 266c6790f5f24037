package dev.specgate.gateway.decode;

/**
 * What one speculation round cost and gave.
 *
 * @param drafted          draft tokens sent to the verifier (may be fewer than asked for: end of sequence, room)
 * @param accepted         how many of them the verifier accepted
 * @param draftMicros      time waiting for the proposal, µs (0 when nothing was drafted)
 * @param verifierMicros   the verifier's own time for the round as it reports it (queue + compute), µs
 * @param verifyWallMicros the Verify call as this side saw it (network, retries and resends included), µs
 */
public record RoundMeasurement(int drafted, int accepted, long draftMicros, long verifierMicros, long verifyWallMicros) {

    /** The part of the verify call spent outside the verifier: network round trip and client overhead, µs. */
    public long networkMicros() {
        return Math.max(0, verifyWallMicros - verifierMicros);
    }
}
