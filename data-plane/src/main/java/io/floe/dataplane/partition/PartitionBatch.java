package io.floe.dataplane.partition;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes to several partitions of one table that apply whole or not at all ({@code
 * data-protocol.md} §4.1). The partitions' monitors are taken in partition order, so two batches
 * never wait on each other in a cycle and no single write interleaves; every partition is checked
 * and the memory for all the writes reserved; only then does anything apply, and applying cannot
 * fail. A role change racing with the batch therefore comes after all of it, never between its
 * partitions.
 */
public final class PartitionBatch {
  private final List<Partition> partitions;
  private final List<List<PartitionWrite>> groups;
  private final MemoryBudget budget;

  /**
   * @param partitions distinct partitions in ascending id order
   * @param groups the writes of each partition, in the same order
   */
  public PartitionBatch(
      List<Partition> partitions, List<List<PartitionWrite>> groups, MemoryBudget budget) {
    if (partitions.size() != groups.size()) {
      throw new IllegalArgumentException(
          partitions.size() + " partitions but " + groups.size() + " groups of writes");
    }
    for (int i = 1; i < partitions.size(); i++) {
      if (partitions.get(i - 1).id() >= partitions.get(i).id()) {
        throw new IllegalArgumentException("partitions must be distinct and in id order");
      }
    }
    this.partitions = partitions;
    this.groups = groups;
    this.budget = budget;
  }

  /** Applies every group, or throws what the first failing check threw and applies nothing. */
  public List<AppliedWrites> apply() {
    return lockFrom(0);
  }

  private List<AppliedWrites> lockFrom(int index) {
    if (index == partitions.size()) {
      return applyLocked();
    }
    synchronized (partitions.get(index)) {
      return lockFrom(index + 1);
    }
  }

  private List<AppliedWrites> applyLocked() {
    long[] terms = new long[partitions.size()];
    for (int i = 0; i < terms.length; i++) {
      terms[i] = partitions.get(i).checkWritableLocked(-1);
    }
    List<PartitionWrite> all = new ArrayList<>();
    long reserve = 0;
    for (List<PartitionWrite> group : groups) {
      all.addAll(group);
      reserve += PartitionWrite.maxBytes(group);
    }
    budget.reserveFor(all, reserve);
    // Nothing below throws: from the first apply to the last, the batch is committed.
    List<AppliedWrites> applied = new ArrayList<>(terms.length);
    for (int i = 0; i < terms.length; i++) {
      List<PartitionWrite> group = groups.get(i);
      applied.add(partitions.get(i).applyChecked(group, terms[i], PartitionWrite.maxBytes(group)));
    }
    return applied;
  }
}
