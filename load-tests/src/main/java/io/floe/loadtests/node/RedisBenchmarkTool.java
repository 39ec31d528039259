package io.floe.loadtests.node;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Redis's own {@code redis-benchmark} with the same clients, value size and pipelining, for a
 * reference figure beside the Java harness's (it measures Redis without a JVM client's costs).
 */
final class RedisBenchmarkTool {
  private static final Pattern LINE =
      Pattern.compile("^(SET|GET): ([0-9.]+) requests per second(?:, p50=([0-9.]+) msec)?");

  private RedisBenchmarkTool() {}

  /** SET and GET requests per second, or an empty map when the tool is missing or fails. */
  static Map<String, Double> run(
      String endpoint, int connections, int depth, int keys, int valueBytes, long requests) {
    int colon = endpoint.lastIndexOf(':');
    List<String> command =
        List.of(
            "redis-benchmark",
            "-h",
            endpoint.substring(0, colon),
            "-p",
            endpoint.substring(colon + 1),
            "-c",
            Integer.toString(connections),
            "-P",
            Integer.toString(depth),
            "-d",
            Integer.toString(valueBytes),
            "-r",
            Integer.toString(keys),
            "-n",
            Long.toString(requests),
            "-t",
            "set,get",
            "-q");
    Map<String, Double> out = new HashMap<>();
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          // -q prints progress with carriage returns; the final figure is after the last one.
          String last = line.substring(line.lastIndexOf('\r') + 1).trim();
          Matcher m = LINE.matcher(last);
          if (m.find()) {
            out.put(m.group(1), Double.parseDouble(m.group(2)));
          }
        }
      }
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (java.io.IOException e) {
      System.err.println("redis-benchmark not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }
}
