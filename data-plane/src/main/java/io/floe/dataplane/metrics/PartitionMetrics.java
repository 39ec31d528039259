package io.floe.dataplane.metrics;

import io.floe.core.partition.PartitionRole;
import io.floe.core.partition.PartitionState;
import io.floe.core.partition.PartitionStatus;
import io.floe.dataplane.expiry.ExpirySweeper;
import io.floe.dataplane.partition.MemoryBudget;
import io.floe.dataplane.partition.Partition;
import io.floe.dataplane.table.HostedTable;
import io.floe.dataplane.table.TableRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * What this node holds, counted over its hosted tables when Prometheus scrapes: partition replicas
 * by state and role, their rows and memory bytes by role, the memory budget's use and limit, and
 * the expired rows the sweeper gave back. A pass over the partitions per gauge and scrape: cheap
 * next to the scrape itself, and nothing to keep in step on the write path.
 */
public final class PartitionMetrics implements MeterBinder {
  private final TableRegistry tables;
  private final MemoryBudget budget;
  private final ExpirySweeper sweeper;

  public PartitionMetrics(TableRegistry tables, MemoryBudget budget, ExpirySweeper sweeper) {
    this.tables = tables;
    this.budget = budget;
    this.sweeper = sweeper;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("floe.tables", () -> tables.all().size())
        .description("Tables with a replica on this node")
        .register(registry);
    for (PartitionState state : PartitionState.values()) {
      for (PartitionRole role : PartitionRole.values()) {
        Gauge.builder(
                "floe.partitions", () -> sum(s -> s.state() == state && s.role() == role, s -> 1))
            .tag("state", state.name())
            .tag("role", role.name())
            .description("Partition replicas on this node, by state and role")
            .register(registry);
      }
    }
    for (PartitionRole role : PartitionRole.values()) {
      Predicate<PartitionStatus> inRole = s -> s.role() == role;
      Gauge.builder("floe.rows", () -> sum(inRole, PartitionStatus::rowCount))
          .tag("role", role.name())
          .description("Rows held by the partition replicas of this role")
          .register(registry);
      Gauge.builder("floe.partition.memory", () -> sum(inRole, PartitionStatus::memoryBytes))
          .tag("role", role.name())
          .baseUnit("bytes")
          .description("Memory held by the rows of the partition replicas of this role")
          .register(registry);
    }
    Gauge.builder("floe.memory.budget.used", budget, MemoryBudget::used)
        .baseUnit("bytes")
        .description("Memory reserved by writes against the node's limit")
        .register(registry);
    Gauge.builder("floe.memory.budget.limit", budget, MemoryBudget::limit)
        .baseUnit("bytes")
        .description("The node's memory limit for table data (node.memory-limit-bytes)")
        .register(registry);
    FunctionCounter.builder("floe.expiry.swept.rows", sweeper, ExpirySweeper::rowsSwept)
        .description("Expired rows removed by the background sweep (ttl.sweep-interval)")
        .register(registry);
  }

  private long sum(Predicate<PartitionStatus> which, ToLongFunction<PartitionStatus> value) {
    long sum = 0;
    for (HostedTable table : tables.all()) {
      for (int pid = 0; pid < table.partitionCount(); pid++) {
        Partition p = table.partitionOrNull(pid);
        if (p != null) {
          PartitionStatus status = p.status();
          if (which.test(status)) {
            sum += value.applyAsLong(status);
          }
        }
      }
    }
    return sum;
  }
}
