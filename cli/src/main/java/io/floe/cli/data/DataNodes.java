package io.floe.cli.data;

import io.floe.cli.CliFailure;
import io.floe.cli.ExitCodes;
import io.floe.client.FloeClient;
import io.floe.client.control.ControlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens the Java client on the data nodes the control plane lists ({@code showtablet}'s {@code
 * endpoint} column), healthy ones first: they are the seeds the client asks for a table's
 * description, and it routes each key to its partition's leader from there.
 */
final class DataNodes {
  static final String ENDPOINT = "endpoint";
  static final String STATE = "state";
  static final String HEALTHY = "kHealthy";

  private DataNodes() {}

  static FloeClient connect(ControlClient control) {
    return FloeClient.connect(seeds(control.showTablet()).toArray(String[]::new));
  }

  static List<String> seeds(List<Map<String, Object>> tablets) {
    List<String> healthy = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Map<String, Object> tablet : tablets) {
      Object endpoint = tablet.get(ENDPOINT);
      if (endpoint != null && !endpoint.toString().isBlank()) {
        (HEALTHY.equals(tablet.get(STATE)) ? healthy : others).add(endpoint.toString());
      }
    }
    healthy.addAll(others);
    if (healthy.isEmpty()) {
      throw new CliFailure(
          ExitCodes.UNREACHABLE,
          "the control plane lists no data node (showtablet is empty): nothing to read or write");
    }
    return healthy;
  }
}
