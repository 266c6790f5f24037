package dev.specgate.gateway.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.specgate.draft.DraftEngine;
import dev.specgate.draft.DraftGrpcService;
import dev.specgate.engine.TestModels;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Shared test data: the reference prompts and a loopback draft server. */
final class Fixtures {
    static final String DRAFT = "kjv-draft-1m-q8_0.gguf";
    static final String VERIFIER = "kjv-verifier-14m-q8_0.gguf";

    record Reference(String prompt, int[] promptIds, int[] greedyIds, int exactPrefix) {
    }

    private Fixtures() {
    }

    static List<Reference> references() throws IOException {
        JsonNode root = new ObjectMapper().readTree(TestModels.reference("kjv-verifier-14m-q8_0.ref.json").toFile());
        List<Reference> out = new ArrayList<>();
        for (JsonNode r : root.get("results")) {
            out.add(new Reference(r.get("prompt").asText(), ints(r.get("prompt_ids")), ints(r.get("greedy_ids")),
                    r.get("exact_prefix").asInt()));
        }
        return out;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static Server draftServer(DraftEngine engine) throws IOException {
        return Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new DraftGrpcService(engine)).build().start();
    }
}
