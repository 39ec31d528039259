package io.floe.storage.meta;

/**
 * Where things live in etcd (DESIGN.md §8). Every key of a cluster is under {@code
 * /floe/{cluster}/}; prefixes end with '/' so that a prefix read never matches a sibling whose name
 * merely starts the same ({@code t1} vs {@code t10}).
 *
 * <pre>
 * /floe/{cluster}/tables/{db.table}                 table definition (desired state)
 * /floe/{cluster}/partitions/{tid}/{pid}            assignment: replicas, leader, term
 * /floe/{cluster}/nodes/{node}                      node registration, under the node's lease
 * /floe/{cluster}/status/{node}/{tid}/{pid}         a node's report on one partition, under lease
 * /floe/{cluster}/config/{name}                     cluster settings (auto_failover, …)
 * /floe/{cluster}/dropped/{tid}                     a dropped table's definition (restorable)
 * /floe/{cluster}/ops/{id}                          long-running operations (id zero-padded)
 * /floe/{cluster}/seq/{name}                        counters (table ids, operation ids)
 * /floe/{cluster}/not-alive/{tid}/{pid}/{node}      a replica marked not alive by an operator
 * /floe/{cluster}/jobs/{id}                         backup and restore jobs
 * /floe/{cluster}/schedules/{name}                  backup schedules
 * /floe/{cluster}/election/{name}                   leader elections (control plane)
 * </pre>
 */
public final class MetaKeys {
  public static final String ROOT = "/floe/";
  private static final int MAX_SEGMENT_LENGTH = 255;

  private final String cluster;
  private final String base;

  private MetaKeys(String cluster) {
    this.cluster = cluster;
    this.base = ROOT + cluster + "/";
  }

  /** The key layout of {@code cluster}. */
  public static MetaKeys forCluster(String cluster) {
    return new MetaKeys(segment("cluster name", cluster));
  }

  public String cluster() {
    return cluster;
  }

  /** Every key of the cluster. */
  public String clusterPrefix() {
    return base;
  }

  public String tablesPrefix() {
    return base + "tables/";
  }

  /** A table by its full name ({@code db.table}). */
  public String table(String fullName) {
    return tablesPrefix() + segment("table name", fullName);
  }

  public String partitionsPrefix() {
    return base + "partitions/";
  }

  public String partitionsPrefix(long tableId) {
    return partitionsPrefix() + nonNegative("table id", tableId) + "/";
  }

  public String partition(long tableId, int partitionId) {
    return partitionsPrefix(tableId) + nonNegative("partition id", partitionId);
  }

  public String nodesPrefix() {
    return base + "nodes/";
  }

  public String node(String nodeId) {
    return nodesPrefix() + segment("node id", nodeId);
  }

  public String statusPrefix() {
    return base + "status/";
  }

  public String statusPrefix(String nodeId) {
    return statusPrefix() + segment("node id", nodeId) + "/";
  }

  public String partitionStatus(String nodeId, long tableId, int partitionId) {
    return statusPrefix(nodeId)
        + nonNegative("table id", tableId)
        + "/"
        + nonNegative("partition id", partitionId);
  }

  public String configPrefix() {
    return base + "config/";
  }

  public String config(String name) {
    return configPrefix() + segment("config name", name);
  }

  public String droppedPrefix() {
    return base + "dropped/";
  }

  /** A dropped table, by its table id (names may be reused; ids never are). */
  public String dropped(long tableId) {
    return droppedPrefix() + nonNegative("table id", tableId);
  }

  /** A counter that only grows (table ids, operation ids), as a decimal string. */
  public String sequence(String name) {
    return base + "seq/" + segment("sequence name", name);
  }

  public String notAlivePrefix() {
    return base + "not-alive/";
  }

  /**
   * The mark of a replica set not alive ({@code updatetablealive}, {@code offlineendpoint}): it is
   * never chosen leader while marked.
   */
  public String notAlive(long tableId, int partitionId, String nodeId) {
    return notAlivePrefix()
        + nonNegative("table id", tableId)
        + "/"
        + nonNegative("partition id", partitionId)
        + "/"
        + segment("node id", nodeId);
  }

  public String operationsPrefix() {
    return base + "ops/";
  }

  public String operation(String id) {
    return operationsPrefix() + segment("operation id", id);
  }

  /** Operation {@code id}, zero-padded so that a prefix read lists operations in id order. */
  public String operation(long id) {
    return operation(String.format("%012d", nonNegative("operation id", id)));
  }

  /**
   * Where operations go once ended ({@code done}, {@code failed}, {@code canceled}): the leader's
   * every heartbeat reads the open ones under {@link #operationsPrefix}, which history would
   * otherwise grow without bound.
   */
  public String endedOperationsPrefix() {
    return base + "ops-ended/";
  }

  public String endedOperation(long id) {
    return endedOperationsPrefix()
        + segment("operation id", String.format("%012d", nonNegative("operation id", id)));
  }

  public String jobsPrefix() {
    return base + "jobs/";
  }

  public String job(String id) {
    return jobsPrefix() + segment("job id", id);
  }

  public String schedulesPrefix() {
    return base + "schedules/";
  }

  public String schedule(String name) {
    return schedulesPrefix() + segment("schedule name", name);
  }

  /** The election key of {@code name} (e.g. {@code control-plane}). */
  public String election(String name) {
    return base + "election/" + segment("election name", name);
  }

  /** The last path segment of {@code key} (the table name, node id, …). */
  public static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  private static String segment(String what, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    if (value.length() > MAX_SEGMENT_LENGTH) {
      throw new IllegalArgumentException(
          what + " is longer than " + MAX_SEGMENT_LENGTH + " characters: " + value);
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '/' || Character.isISOControl(c) || Character.isWhitespace(c)) {
        throw new IllegalArgumentException(
            what + " must not contain '/', spaces or control characters: '" + value + "'");
      }
    }
    if (value.equals(".") || value.equals("..")) {
      throw new IllegalArgumentException(what + " must not be '.' or '..'");
    }
    return value;
  }

  private static long nonNegative(String what, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(what + " must not be negative: " + value);
    }
    return value;
  }
}
