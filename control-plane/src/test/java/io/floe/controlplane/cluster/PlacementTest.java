package io.floe.controlplane.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static Map<String, int[]> count(List<List<String>> placed) {
    Map<String, int[]> load = new HashMap<>();
    for (List<String> p : placed) {
      for (int i = 0; i < p.size(); i++) {
        int[] l = load.computeIfAbsent(p.get(i), n -> new int[2]);
        l[0]++;
        if (i == 0) {
          l[1]++;
        }
      }
    }
    return load;
  }

  @Test
  void replicasGoToDistinctNodesAndBothReplicasAndLeadersAreBalanced() {
    List<List<String>> placed = new Placement(Set.of("a", "b", "c"), Map.of()).place(8, 3);
    assertThat(placed).hasSize(8);
    for (List<String> p : placed) {
      assertThat(new HashSet<>(p)).hasSize(3);
    }
    Map<String, int[]> load = count(placed);
    assertThat(load.values()).allSatisfy(l -> assertThat(l[0]).isEqualTo(8));
    int minLeaders = load.values().stream().mapToInt(l -> l[1]).min().orElseThrow();
    int maxLeaders = load.values().stream().mapToInt(l -> l[1]).max().orElseThrow();
    assertThat(maxLeaders - minLeaders).isLessThanOrEqualTo(1);
  }

  @Test
  void whatNodesAlreadyHoldCounts() {
    // a already holds 6 replicas and 6 leaderships; b and c nothing: new work goes to b and c.
    List<List<String>> placed =
        new Placement(Set.of("a", "b", "c"), Map.of("a", new int[] {6, 6})).place(4, 2);
    Map<String, int[]> load = count(placed);
    assertThat(load).doesNotContainKey("a");
    assertThat(load.get("b")[0]).isEqualTo(4);
    assertThat(load.get("b")[1] + load.get("c")[1]).isEqualTo(4);
    assertThat(Math.abs(load.get("b")[1] - load.get("c")[1])).isLessThanOrEqualTo(1);
  }

  @Test
  void aNewNodeTakesTheNextReplicas() {
    List<List<String>> placed =
        new Placement(
                Set.of("a", "b", "c", "d"),
                Map.of("a", new int[] {3, 1}, "b", new int[] {3, 1}, "c", new int[] {3, 1}))
            .place(3, 1);
    assertThat(placed).extracting(p -> p.get(0)).containsExactly("d", "d", "d");
  }

  @Test
  void moreReplicasThanNodesIsRefusedNamingThem() {
    assertThatThrownBy(() -> new Placement(Set.of("a", "b"), Map.of()).place(1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 replicas")
        .hasMessageContaining("[a, b]");
    assertThatThrownBy(() -> new Placement(Set.of(), Map.of()))
        .hasMessageContaining("no data node");
  }

  @Test
  void placementIsDeterministic() {
    assertThat(new Placement(Set.of("c", "a", "b"), Map.of()).place(5, 2))
        .isEqualTo(new Placement(Set.of("b", "c", "a"), Map.of()).place(5, 2));
  }
}
