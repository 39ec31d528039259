package io.floe.core.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson configuration every document parser shares: trees only (value types stay free of
 * Jackson annotations), pretty output so stored documents are readable with {@code cat}.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Serialises a tree as UTF-8 text. */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  public static byte[] writeBytes(JsonNode node) {
    return write(node).getBytes(StandardCharsets.UTF_8);
  }

  /** Parses text into a tree; malformed JSON is a {@link FormatException} naming the document. */
  public static JsonNode read(String documentKind, String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new FormatException(documentKind + ": empty document");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new FormatException(documentKind + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  public static JsonNode read(String documentKind, byte[] utf8) {
    return read(documentKind, new String(utf8, StandardCharsets.UTF_8));
  }
}
