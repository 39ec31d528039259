package io.floe.storage.cluster;

import java.util.Objects;

/**
 * What a live data node says about itself under its lease ({@code /floe/{cluster}/nodes/{node}}):
 * where clients and peers reach it, which process incarnation it is, how much memory it may hold,
 * and when it started.
 */
public record NodeRegistration(
    String node, String endpoint, long incarnation, long memoryLimitBytes, long startTimeMs) {

  public NodeRegistration {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(endpoint, "endpoint");
  }
}
