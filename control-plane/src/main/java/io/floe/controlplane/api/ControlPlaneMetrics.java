package io.floe.controlplane.api;

import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.ops.OpStatus;
import io.floe.controlplane.ops.OpType;
import io.floe.controlplane.ops.OperationStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.inject.Singleton;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The control plane's metrics on {@code /prometheus}: whether this replica leads, nodes alive and
 * dead as its failure detector sees them, node deaths and automatic failovers it started, and the
 * stored operations by type and status (read from etcd at most once per scrape).
 */
@Singleton
public final class ControlPlaneMetrics implements MeterBinder {
  private final ControlPlane cp;
  private volatile long countedAt;
  private volatile Map<OpType, Map<OpStatus, Long>> counted = Map.of();

  public ControlPlaneMetrics(ControlPlane cp) {
    this.cp = cp;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("floe_cp_leader", () -> cp.leading() ? 1 : 0)
        .description("1 when this control-plane replica leads")
        .register(registry);
    Gauge.builder("floe_cp_nodes_alive", () -> cp.monitor().aliveNodes().size())
        .description("data nodes answering heartbeats (on the leader)")
        .register(registry);
    Gauge.builder("floe_cp_unreadable_values", () -> cp.leading() ? cp.failover().unreadable() : 0)
        .description(
            "etcd values the leader cannot parse: what they name is neither failed over nor"
                + " released until a good value is written (GET /v1/meta/unreadable names them)")
        .register(registry);
    FunctionCounter.builder("floe_cp_node_deaths", cp, c -> c.failover().deaths())
        .description("data nodes declared dead by this replica")
        .register(registry);
    FunctionCounter.builder("floe_cp_failovers", cp, c -> c.failover().failovers())
        .description("ChangeLeader operations started by automatic failover")
        .register(registry);
    FunctionCounter.builder("floe_cp_rebalances", cp, c -> c.failover().rebalances())
        .description("ChangeLeader hand-overs started to balance leaders across the nodes")
        .register(registry);
    for (OpType type : OpType.values()) {
      for (OpStatus status : OpStatus.values()) {
        Supplier<Number> value =
            () -> operations().getOrDefault(type, Map.of()).getOrDefault(status, 0L);
        Gauge.builder("floe_cp_operations", value)
            .tag("type", type.name())
            .tag("status", status.name())
            .description("stored operations by type and status")
            .register(registry);
      }
    }
  }

  private Map<OpType, Map<OpStatus, Long>> operations() {
    long now = System.nanoTime();
    if (now - countedAt > 1_000_000_000L) {
      Map<OpType, Map<OpStatus, Long>> next = new EnumMap<>(OpType.class);
      try {
        List<OperationStore.Stored> all = cp.operations().all();
        for (OperationStore.Stored s : all) {
          next.computeIfAbsent(s.op().type(), t -> new EnumMap<>(OpStatus.class))
              .merge(s.op().status(), 1L, Long::sum);
        }
        counted = next;
      } catch (RuntimeException e) {
        // etcd out of reach: the last counts stand
      }
      countedAt = now;
    }
    return counted;
  }
}
