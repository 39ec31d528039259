package io.floe.cli;

import io.floe.client.control.ControlConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where the control plane is and which token to send. Each of the two is taken from the first place
 * that sets it: the flag ({@code --endpoint}, {@code --token}), the environment ({@code
 * FLOE_ENDPOINT}, {@code FLOE_TOKEN}), the config file ({@code --config FILE}, else {@code
 * ~/.floe/config} when it exists; properties {@code endpoint=} and {@code token=}), and for the
 * endpoint {@value #ENDPOINT_DEFAULT}. Endpoints are comma-separated base URLs.
 *
 * @param endpointSource where the endpoint came from, for messages when it cannot be reached
 */
public record ConnectionSettings(List<String> endpoints, String token, String endpointSource) {
  public static final String ENDPOINT_DEFAULT = "http://127.0.0.1:7080";
  public static final String ENDPOINT_VARIABLE = "FLOE_ENDPOINT";
  public static final String TOKEN_VARIABLE = "FLOE_TOKEN";
  public static final String ENDPOINT_KEY = "endpoint";
  public static final String TOKEN_KEY = "token";

  /** The config file read when {@code --config} is not given, relative to the home folder. */
  public static final String CONFIG_FILE_DEFAULT = ".floe/config";

  /**
   * @param endpointFlag {@code --endpoint}, or null
   * @param tokenFlag {@code --token}, or null
   * @param configFlag {@code --config}, or null
   * @throws IllegalArgumentException naming the file or the URL at fault
   */
  public static ConnectionSettings resolve(
      String endpointFlag, String tokenFlag, Path configFlag, CliEnvironment environment) {
    Path file = configFlag != null ? configFlag : environment.home().resolve(CONFIG_FILE_DEFAULT);
    Properties fileSettings = read(file, configFlag != null);
    String endpoint;
    String source;
    if (blank(endpointFlag) == null) {
      endpoint = environment.variable(ENDPOINT_VARIABLE);
      source = ENDPOINT_VARIABLE;
      if (endpoint == null) {
        endpoint = blank(fileSettings.getProperty(ENDPOINT_KEY));
        source = file.toString();
      }
      if (endpoint == null) {
        endpoint = ENDPOINT_DEFAULT;
        source = "the default";
      }
    } else {
      endpoint = endpointFlag;
      source = "--endpoint";
    }
    String token = blank(tokenFlag);
    if (token == null) {
      token = environment.variable(TOKEN_VARIABLE);
    }
    if (token == null) {
      token = blank(fileSettings.getProperty(TOKEN_KEY));
    }
    return new ConnectionSettings(urls(endpoint, source), token, source);
  }

  /** The client configuration: default timeouts. */
  public ControlConfig controlConfig() {
    return new ControlConfig(
        endpoints,
        token,
        ControlConfig.CONNECT_TIMEOUT_DEFAULT,
        ControlConfig.REQUEST_TIMEOUT_DEFAULT);
  }

  private static List<String> urls(String endpoint, String source) {
    List<String> urls = new ArrayList<>();
    for (String part : endpoint.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      try {
        urls.add(ControlConfig.normalize(part));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("endpoint from " + source + ": " + e.getMessage(), e);
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(
          "endpoint from " + source + " names no URL: '" + endpoint + "'");
    }
    return urls;
  }

  private static Properties read(Path file, boolean required) {
    Properties properties = new Properties();
    if (!required && !Files.exists(file)) {
      return properties;
    }
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
      return properties;
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--config: no file " + file, e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String blank(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
