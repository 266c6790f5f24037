package dev.specgate.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Secret keys kept only as SHA-256 hashes, matched in constant time: a presented key is compared with
 * {@link MessageDigest#isEqual} against every configured key (no early exit), so timing says nothing about how
 * much of a guess was right. Keys are never logged.
 */
final class KeyHashes {
    private final List<byte[]> hashes;

    KeyHashes(List<String> keys) {
        this.hashes = keys.stream().map(k -> k == null || k.isBlank() ? null : sha256(k)).toList();
    }

    /** Whether any key is configured. */
    boolean isEmpty() {
        return hashes.stream().allMatch(h -> h == null);
    }

    /** The position of {@code presented} among the configured keys, or -1. */
    int match(String presented) {
        byte[] hash = sha256(presented);
        int match = -1;
        for (int i = 0; i < hashes.size(); i++) {
            if (hashes.get(i) != null && MessageDigest.isEqual(hashes.get(i), hash)) {
                match = i;
            }
        }
        return match;
    }

    /** The key of an {@code Authorization: Bearer KEY} header, or null when the header is missing or not Bearer. */
    static String bearer(String header) {
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
