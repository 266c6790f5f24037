package dev.specgate.verifier;

import dev.specgate.proto.v1.VerifyRequest;
import dev.specgate.proto.v1.VerifyResponse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scripted greedy speculation client: proposes k tokens of the verifier-only greedy continuation with some
 * deliberately corrupted, so every round's accepted count and next token are known in advance.
 */
final class GreedyClient {
    private final String session;
    private final int[] prompt;
    private final int[] expected;   // verifier-only greedy continuation
    private final int k;
    private final int corruptEvery; // corrupt draft position (round % corruptEvery) when < k

    private final List<Integer> sequence = new ArrayList<>();
    private int sent;                // tokens of the sequence the worker has seen
    private long round;
    private final List<VerifyResponse> responses = new ArrayList<>();

    GreedyClient(String session, int[] prompt, int[] expected, int k, int corruptEvery) {
        this.session = session;
        this.prompt = prompt;
        this.expected = expected;
        this.k = k;
        this.corruptEvery = corruptEvery;
        Arrays.stream(prompt).forEach(sequence::add);
    }

    int produced() {
        return sequence.size() - prompt.length;
    }

    boolean done(int target) {
        return produced() >= target;
    }

    /** The first {@code n} tokens of the client's sequence (prompt included). */
    List<Integer> prefix(int n) {
        return List.copyOf(sequence.subList(0, n));
    }

    List<VerifyResponse> responses() {
        return responses;
    }

    int[] output() {
        return sequence.subList(prompt.length, sequence.size()).stream().mapToInt(Integer::intValue).toArray();
    }

    /** The next round's request; the first wrong draft position is recorded for {@link #apply}. */
    VerifyRequest next() {
        round++;
        int pos = produced();
        int n = Math.min(k, expected.length - pos - 1);
        int[] drafts = Arrays.copyOfRange(expected, pos, pos + Math.max(0, n));
        int wrong = (int) (round % corruptEvery);
        if (wrong < drafts.length) {
            drafts[wrong] = (drafts[wrong] + 1) % 4096;
        }
        int[] committed = sequence.subList(sent, sequence.size()).stream().mapToInt(Integer::intValue).toArray();
        VerifyRequest request = Harness.round(session, round, sent, committed, drafts).build();
        return request;
    }

    /** Checks the verdict against the known answer and commits it. */
    void apply(VerifyRequest request, VerifyResponse response) {
        int pos = produced();
        int[] drafts = request.getDraftTokensList().stream().mapToInt(Integer::intValue).toArray();
        int wrong = (int) (round % corruptEvery);
        int expectedAccepted = Math.min(wrong, drafts.length);
        assertEquals(round, response.getRound());
        assertEquals(expectedAccepted, response.getAccepted(), session + " round " + round + ": accepted");
        assertEquals(expected[pos + expectedAccepted], response.getNextToken(), session + " round " + round + ": next");
        sent = sequence.size();
        for (int i = 0; i < response.getAccepted(); i++) {
            sequence.add(drafts[i]);
        }
        sequence.add(response.getNextToken());
        assertEquals(sequence.size(), response.getCommittedLength(), "committed_length");
        responses.add(response);
    }

    /** Runs rounds until {@code target} tokens are produced, one blocking call each. */
    int[] run(int target, Function<VerifyRequest, VerifyResponse> call) {
        while (!done(target)) {
            VerifyRequest request = next();
            apply(request, call.apply(request));
        }
        return output();
    }
}
