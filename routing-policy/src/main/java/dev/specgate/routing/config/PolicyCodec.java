package dev.specgate.routing.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/**
 * Policy text (YAML or JSON) to and from {@link PolicyConfig}. Text whose first non-blank character is
 * {@code '{'} is read as JSON, anything else as YAML; every config this returns has passed
 * {@link PolicyValidator}.
 */
public final class PolicyCodec {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build());

    private PolicyCodec() {
    }

    /** Parses and validates; throws {@link InvalidPolicyException} naming the field path on any problem. */
    public static PolicyConfig parse(String text) {
        boolean json = text.stripLeading().startsWith("{");
        JsonNode root;
        try {
            root = (json ? JSON : YAML).readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException("", "not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidPolicyException("", "empty document");
        }
        return PolicyValidator.validate(PolicyReader.read(root));
    }

    public static String toYaml(PolicyConfig policy) {
        return write(YAML, policy);
    }

    public static String toJson(PolicyConfig policy) {
        return write(JSON, policy);
    }

    private static String write(ObjectMapper mapper, PolicyConfig policy) {
        try {
            return mapper.writeValueAsString(PolicyWriter.write(policy));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise policy", e);
        }
    }
}
