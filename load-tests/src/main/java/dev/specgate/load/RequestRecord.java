package dev.specgate.load;

/**
 * What one streamed request did, as seen by the client.
 *
 * @param startMs        when it was sent, in ms since the start of the run
 * @param tokenTimesMs   arrival of each text chunk, in ms since the request was sent (one chunk per token, except
 *                       that bytes of an incomplete UTF-8 character wait for the next token)
 * @param completionTokens {@code usage.completion_tokens}
 * @param finishReason   {@code length}, {@code stop}, or null when the stream never finished
 * @param mode           {@code usage.specgate.mode}: the mode that finished the request
 * @param error          null, or what went wrong (HTTP status, error event, broken stream)
 */
public record RequestRecord(String label, long startMs, long endMs, int status, double[] tokenTimesMs,
                            int completionTokens, int maxTokens, String finishReason, String mode, boolean fallback,
                            long draftedTokens, long acceptedTokens, double meanAcceptanceLength, String error) {

    public boolean ok() {
        return error == null && status == 200;
    }

    /** Time to first token in ms, or NaN without any token. */
    public double ttftMs() {
        return tokenTimesMs.length == 0 ? Double.NaN : tokenTimesMs[0];
    }

    public double[] interTokenMs() {
        double[] gaps = new double[Math.max(0, tokenTimesMs.length - 1)];
        for (int i = 1; i < tokenTimesMs.length; i++) {
            gaps[i - 1] = tokenTimesMs[i] - tokenTimesMs[i - 1];
        }
        return gaps;
    }

    /** Tokens per second of this stream, request sent to last byte. */
    public double tokensPerSecond() {
        long ms = endMs - startMs;
        return ms <= 0 ? 0 : completionTokens * 1000.0 / ms;
    }

    /** No lost tokens: the stream delivered all it was asked for, or ended on a stop for a proper reason. */
    public boolean complete() {
        return ok() && ("stop".equals(finishReason) || ("length".equals(finishReason) && completionTokens == maxTokens));
    }

    /** Did the verifier take part (speculative or verifier-only without falling back to the draft)? */
    public boolean servedByVerifier() {
        return ok() && !fallback && !"draft-only".equals(mode);
    }
}
