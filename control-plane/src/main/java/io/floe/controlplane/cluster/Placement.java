package io.floe.controlplane.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where new replicas go (issue 10 §2): each partition's replicas on distinct nodes, the nodes with
 * the fewest replicas first, and each partition led by the least-leading of its replicas, so that
 * leaders and replicas both stay balanced across the nodes, counting what they already hold.
 * Deterministic: ties go to the node id that sorts first.
 */
public final class Placement {
  private final Map<String, Integer> replicas = new HashMap<>();
  private final Map<String, Integer> leaders = new HashMap<>();

  /** Starts from what {@code nodes} hold: node id to [replicas, leaderships]. */
  public Placement(Set<String> nodes, Map<String, int[]> load) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no data node is registered");
    }
    for (String n : new TreeSet<>(nodes)) {
      int[] l = load.getOrDefault(n, new int[2]);
      replicas.put(n, l[0]);
      leaders.put(n, l[1]);
    }
  }

  /**
   * Places {@code count} partitions of {@code replicaCount} replicas each; each list starts with
   * the leader.
   *
   * @throws IllegalArgumentException if there are fewer nodes than replicas
   */
  public List<List<String>> place(int count, int replicaCount) {
    if (replicaCount > replicas.size()) {
      throw new IllegalArgumentException(
          replicaCount
              + " replicas need as many data nodes; "
              + replicas.size()
              + " are registered: "
              + new TreeSet<>(replicas.keySet()));
    }
    List<List<String>> out = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      List<String> chosen =
          replicas.keySet().stream()
              .sorted(
                  Comparator.comparingInt((String n) -> replicas.get(n))
                      .thenComparingInt(leaders::get)
                      .thenComparing(Comparator.naturalOrder()))
              .limit(replicaCount)
              .toList();
      String leader =
          chosen.stream()
              .min(
                  Comparator.comparingInt((String n) -> leaders.get(n))
                      .thenComparingInt(replicas::get)
                      .thenComparing(Comparator.naturalOrder()))
              .orElseThrow();
      List<String> ordered = new ArrayList<>();
      ordered.add(leader);
      chosen.stream().filter(n -> !n.equals(leader)).forEach(ordered::add);
      for (String n : ordered) {
        replicas.merge(n, 1, Integer::sum);
      }
      leaders.merge(leader, 1, Integer::sum);
      out.add(ordered);
    }
    return out;
  }
}
