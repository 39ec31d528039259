package io.floe.core.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the schemas module's golden files and JSON Schemas from the classpath. */
public final class GoldenFiles {
  public static final String GOLDEN = "floe/schemas/golden/";
  public static final String JSON_SCHEMAS = "floe/schemas/json/";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private GoldenFiles() {}

  public static String text(String resource) {
    try (InputStream in = GoldenFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String golden(String file) {
    return text(GOLDEN + file);
  }

  public static JsonNode goldenJson(String file) {
    try {
      return MAPPER.readTree(golden(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
