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

  /**
   * Refuses a versioned document stored under a key naming another version (spec.md §7): the store
   * then holds a misplaced document, and reading it as that version would be wrong.
   */
  public static void checkStoredVersion(
      String documentKind, long keyVersion, long documentVersion) {
    if (documentVersion != keyVersion) {
      throw new FormatException(
          documentKind
              + ": the key names version "
              + keyVersion
              + " but the document holds "
              + documentVersion);
    }
  }
}
