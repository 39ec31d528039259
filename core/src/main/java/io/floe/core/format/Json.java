package io.floe.core.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one Jackson configuration every document parser shares: trees only (value types stay free of
 * Jackson annotations), pretty output so stored documents are readable with {@code cat}.
 *
 * <p>Documents are read into trees straight from Jackson's streaming parser; the {@code
 * ObjectMapper} is built only when something is written. A process that only reads documents — the
 * client, which reads a table's schema when it opens the table — then never builds it: building one
 * loads some 400 classes and takes about 0.2 s of CPU in a fresh JVM.
 */
public final class Json {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Built on first write. */
  private static final class Writer {
    static final ObjectMapper MAPPER =
        new ObjectMapper(FACTORY).enable(SerializationFeature.INDENT_OUTPUT);
  }

  private Json() {}

  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** Serialises a tree as UTF-8 text. */
  public static String write(JsonNode node) {
    try {
      return Writer.MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  public static byte[] writeBytes(JsonNode node) {
    return write(node).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Parses text into a tree; malformed JSON, or anything but white space after the document, is a
   * {@link FormatException} naming the document. Of a member named twice the last value counts.
   */
  public static JsonNode read(String documentKind, String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new FormatException(documentKind + ": empty document");
      }
      JsonNode node = value(parser, first);
      if (parser.nextToken() != null) {
        throw new FormatException(
            documentKind
                + ": not valid JSON: content after the end of the document at line "
                + parser.currentTokenLocation().getLineNr()
                + ", column "
                + parser.currentTokenLocation().getColumnNr());
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new FormatException(documentKind + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading JSON from a string", e); // a string does not fail
    }
  }

  /** The value starting at {@code token}, the parser then on its last token. */
  private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw new IllegalStateException("the JSON parser ended inside a value");
    }
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT ->
          switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      // The parser itself refuses a close marker without its start; a text parser makes no others.
      default -> throw new IllegalStateException("unexpected JSON token " + token);
    };
  }

  private static ObjectNode object(JsonParser parser) throws IOException {
    ObjectNode object = NODES.objectNode();
    for (JsonToken next = parser.nextToken();
        next != JsonToken.END_OBJECT;
        next = parser.nextToken()) {
      if (next != JsonToken.FIELD_NAME) { // the parser itself allows only a member's name here
        throw new IllegalStateException("unexpected JSON token " + next + " in an object");
      }
      object.set(parser.currentName(), value(parser, parser.nextToken()));
    }
    return object;
  }

  private static ArrayNode array(JsonParser parser) throws IOException {
    ArrayNode array = NODES.arrayNode();
    for (JsonToken next = parser.nextToken();
        next != JsonToken.END_ARRAY;
        next = parser.nextToken()) {
      array.add(value(parser, next));
    }
    return array;
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
