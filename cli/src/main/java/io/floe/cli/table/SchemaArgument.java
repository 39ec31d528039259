package io.floe.cli.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code --schema}: a table schema document (schemas/json/table-schema.schema.json) inline or in a
 * file. Typed by hand, {@code format-version} and {@code schema-id} may be left out ({@code 1} and
 * {@code 0}). Checked here, so a wrong schema fails before anything is sent, naming the column.
 */
final class SchemaArgument {
  private SchemaArgument() {}

  /**
   * @param argument JSON starting with {@code {}, else a file path
   * @throws IllegalArgumentException what is wrong, naming the file or the column
   */
  static Schema read(String argument) {
    String text = argument.strip();
    String source = "inline";
    if (!text.startsWith("{")) {
      source = text;
      try {
        text = Files.readString(Path.of(text));
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException(
            "--schema: no file '" + argument + "' (give a file, or inline JSON starting with '{')");
      } catch (IOException e) {
        throw new IllegalArgumentException("--schema: cannot read '" + argument + "': " + e, e);
      }
    }
    try {
      JsonNode node = Json.read("--schema (" + source + ")", text);
      if (node instanceof ObjectNode object) {
        if (!object.has("format-version")) {
          object.put("format-version", SchemaParser.FORMAT_VERSION);
        }
        if (!object.has("schema-id")) {
          object.put("schema-id", 0);
        }
      }
      return SchemaParser.fromNode(node);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--schema (" + source + "): " + e.getMessage(), e);
    }
  }
}
