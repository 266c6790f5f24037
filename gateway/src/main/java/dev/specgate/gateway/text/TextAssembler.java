package dev.specgate.gateway.text;

import dev.specgate.engine.tokenizer.TokenDecoder;
import dev.specgate.engine.tokenizer.Tokenizer;

import java.util.List;

/**
 * Turns committed token ids into the text a client may see, one token at a time.
 *
 * <p>Text only leaves once it is safe: the tokenizer's incremental decoder holds incomplete UTF-8 characters, and
 * this class holds the longest tail that could still grow into a stop sequence, so a stop sequence split over
 * several tokens is still caught and never (even partly) returned. A control token (EOS, end of turn) ends the
 * text. Not thread-safe: one per request, used from its event loop.
 */
public final class TextAssembler {
    /** Why the text ended, as OpenAI's {@code finish_reason} says it; null while it has not. */
    private String finishReason;
    private final Tokenizer tokenizer;
    private final TokenDecoder decoder;
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private int tokensConsumed;

    public TextAssembler(Tokenizer tokenizer, List<String> stops) {
        this.tokenizer = tokenizer;
        this.decoder = tokenizer.newDecoder();
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Adds one committed token; returns the text that became safe to send (possibly empty). After the text ended
     * (stop sequence or control token) further tokens are ignored and return "".
     */
    public String push(int id) {
        if (finished()) {
            return "";
        }
        tokensConsumed++;
        if (tokenizer.isControl(id)) {
            finishReason = "stop";
            return drainAll();
        }
        held.append(decoder.push(id));
        int stopAt = earliestStop();
        if (stopAt >= 0) {
            // The earliest stop wins; the stop and anything after it are dropped.
            String out = held.substring(0, stopAt);
            held.setLength(0);
            finishReason = "stop";
            return out;
        }
        int safe = held.length() - longestStopPrefixSuffix();
        if (safe > 0 && Character.isHighSurrogate(held.charAt(safe - 1))) {
            safe--; // never split a surrogate pair between two chunks
        }
        String out = held.substring(0, safe);
        held.delete(0, safe);
        return out;
    }

    /** Generation ended without a stop: releases the held tail (an incomplete UTF-8 character is dropped). */
    public String finishAtLength() {
        if (finished()) {
            return "";
        }
        finishReason = "length";
        return drainAll();
    }

    public boolean finished() {
        return finishReason != null;
    }

    /** {@code stop} or {@code length}; null before the end. */
    public String finishReason() {
        return finishReason;
    }

    /** Tokens that went into the text, up to and including the one that ended it: the completion token count. */
    public int tokensConsumed() {
        return tokensConsumed;
    }

    private String drainAll() {
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    private int earliestStop() {
        int earliest = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        return earliest;
    }

    /** Length of the longest tail of the held text that is a proper prefix of some stop sequence. */
    private int longestStopPrefixSuffix() {
        String text = held.toString();
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, text.length());
            for (int len = max; len > best; len--) {
                if (text.regionMatches(text.length() - len, stop, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
