package io.floe.controlplane.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.controlplane.ControlPlane;
import io.floe.controlplane.cluster.ClusterView;
import io.floe.controlplane.cluster.ClusterView.Assigned;
import io.floe.controlplane.ops.Operation;
import io.floe.core.format.Json;
import io.floe.core.table.SchemaParser;
import io.floe.storage.catalog.CatalogTable;
import io.floe.storage.cluster.NodeRegistration;
import io.floe.storage.cluster.PartitionAssignment;
import io.floe.storage.cluster.PartitionReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeSet;

/** The JSON shapes of control-api.md, built from what etcd holds. */
final class Views {
  private Views() {}

  static ObjectNode table(CatalogTable t) {
    ObjectNode n = Json.object();
    n.put("name", t.fullName());
    n.put("tid", t.tid());
    n.put("partitions", t.partitions());
    n.put("replicas", t.replicas());
    n.put("durability", t.durability().jsonName());
    if (t.ttlMs().isPresent()) {
      n.put("ttl-ms", t.ttlMs().getAsLong());
    } else {
      n.putNull("ttl-ms");
    }
    n.put("state", t.state().jsonName());
    if (t.dropTimeMs().isPresent()) {
      n.put("drop-time-ms", t.dropTimeMs().getAsLong());
    } else {
      n.putNull("drop-time-ms");
    }
    n.set("schema", SchemaParser.toNode(t.schema()));
    return n;
  }

  /** A table with each partition's replicas, their liveness and progress. */
  static ObjectNode describe(CatalogTable t, ClusterView view, ControlPlane cp) {
    ObjectNode n = table(t);
    ArrayNode parts = n.putArray("assignments");
    for (Assigned assigned : view.assignments(t.tid())) {
      PartitionAssignment a = assigned.assignment();
      ObjectNode p = parts.addObject();
      p.put("pid", a.partition());
      p.put("term", a.term());
      p.put("leader", a.leader());
      ArrayNode replicas = p.putArray("replicas");
      for (PartitionAssignment.Replica r : a.replicas()) {
        ObjectNode rn = replicas.addObject();
        rn.put("node", r.node());
        rn.put(
            "endpoint",
            view.nodes().containsKey(r.node()) ? view.nodes().get(r.node()).endpoint() : "");
        rn.put("role", r.role().jsonName());
        rn.put("alive", replicaAlive(view, cp, t.tid(), a.partition(), r.node()));
        Optional<PartitionReport> rep = view.report(r.node(), t.tid(), a.partition());
        rn.put(
            "state",
            rep.map(x -> x.state().name().toLowerCase(java.util.Locale.ROOT)).orElse("missing"));
        rn.put("offset", rep.map(PartitionReport::offset).orElse(0L));
        rn.put("lag", rep.flatMap(PartitionReport::replication).map(x -> x.lag()).orElse(0L));
      }
    }
    return n;
  }

  static boolean alive(ClusterView view, ControlPlane cp, String node) {
    if (!view.nodes().containsKey(node)) {
      return false;
    }
    return !cp.leading() || cp.monitor().alive(node);
  }

  static boolean replicaAlive(ClusterView view, ControlPlane cp, long tid, int pid, String node) {
    return alive(view, cp, node) && !view.markedNotAlive(tid, pid, node);
  }

  /** One row per replica of each table ({@code only} one, if given), filled by {@code fill}. */
  private static ArrayNode replicaRows(
      ClusterView view, ControlPlane cp, Optional<String> only, ReplicaRow fill) {
    ArrayNode rows = Json.object().arrayNode();
    for (CatalogTable t : view.tables()) {
      if (only.isPresent() && !only.get().equals(t.fullName())) {
        continue;
      }
      for (Assigned assigned : view.assignments(t.tid())) {
        PartitionAssignment a = assigned.assignment();
        for (PartitionAssignment.Replica r : a.replicas()) {
          Optional<PartitionReport> rep = view.report(r.node(), t.tid(), a.partition());
          ObjectNode row = rows.addObject();
          row.put("name", t.fullName());
          row.put("tid", t.tid());
          row.put("pid", a.partition());
          row.put("endpoint", endpoint(view, r.node()));
          row.put("role", r.role().jsonName());
          boolean alive = replicaAlive(view, cp, t.tid(), a.partition(), r.node());
          fill.fill(row, t, rep, alive);
        }
      }
    }
    return rows;
  }

  /** The columns of a replica row after name, tid, pid, endpoint and role. */
  private interface ReplicaRow {
    void fill(ObjectNode row, CatalogTable t, Optional<PartitionReport> rep, boolean alive);
  }

  /** OpenMLDB's showtable: one row per replica. */
  static ArrayNode showTable(ClusterView view, ControlPlane cp, Optional<String> only) {
    return replicaRows(
        view,
        cp,
        only,
        (row, t, rep, alive) -> {
          row.put("ttl", t.ttlMs().isPresent() ? duration(t.ttlMs().getAsLong()) : "0min");
          row.put("is_alive", alive ? "yes" : "no");
          row.put("compress_type", "kNoCompress");
          row.put("offset", rep.map(PartitionReport::offset).orElse(0L));
          row.put("record_cnt", rep.map(PartitionReport::rowCount).orElse(0L));
          row.put("memused", rep.map(PartitionReport::memoryBytes).orElse(0L));
        });
  }

  /** OpenMLDB's gettablestatus: a replica's load state. */
  static ArrayNode tableStatus(ClusterView view, ControlPlane cp, Optional<String> only) {
    return replicaRows(
        view,
        cp,
        only,
        (row, t, rep, alive) -> {
          row.put(
              "state",
              rep.map(
                      x ->
                          x.error().isPresent()
                              ? "failed"
                              : x.state().name().toLowerCase(java.util.Locale.ROOT))
                  .orElse("missing"));
          row.put("offset", rep.map(PartitionReport::offset).orElse(0L));
          row.put("is_alive", alive ? "yes" : "no");
          rep.flatMap(PartitionReport::error).ifPresent(e -> row.put("error", e));
        });
  }

  /** OpenMLDB's showtablet: registered nodes, and assigned ones that are gone. */
  static ArrayNode showTablet(ClusterView view, ControlPlane cp, long nowMs) {
    ArrayNode rows = Json.object().arrayNode();
    TreeSet<String> all = new TreeSet<>(view.nodes().keySet());
    view.allAssignments().forEach(a -> a.assignment().replicas().forEach(r -> all.add(r.node())));
    for (String node : all) {
      NodeRegistration r = view.nodes().get(node);
      ObjectNode row = rows.addObject();
      row.put("endpoint", r == null ? "-" : r.endpoint());
      row.put("node", node);
      row.put("state", alive(view, cp, node) ? "kHealthy" : "kOffline");
      row.put("age", r == null ? "-" : duration(Math.max(0, nowMs - r.startTimeMs())));
    }
    return rows;
  }

  static ObjectNode operation(Operation op, long nowMs) {
    ObjectNode n = Json.object();
    n.put("op_id", op.id());
    n.put("op_type", op.type().name());
    n.put("name", op.table());
    n.put("pid", op.pid());
    n.put("status", op.status().name());
    n.put("start_time", Instant.ofEpochMilli(op.startTimeMs()).toString());
    long end = op.endTimeMs().orElse(nowMs);
    n.put("execute_time", duration(end - op.startTimeMs()));
    if (op.endTimeMs().isPresent()) {
      n.put("end_time", Instant.ofEpochMilli(op.endTimeMs().get()).toString());
    } else {
      n.putNull("end_time");
    }
    n.put("cur_task", op.curTask());
    if (op.reason().isPresent()) {
      n.put("reason", op.reason().get());
    } else {
      n.putNull("reason");
    }
    ObjectNode detail = n.putObject("detail");
    op.params().forEach(detail::put);
    return n;
  }

  private static String endpoint(ClusterView view, String node) {
    NodeRegistration r = view.nodes().get(node);
    return r == null ? node : r.endpoint();
  }

  /** 1d2h, 5m12s, 340ms: short and exact enough for people. */
  static String duration(long ms) {
    if (ms < 1000) {
      return ms + "ms";
    }
    Duration d = Duration.ofMillis(ms);
    if (d.toDays() > 0) {
      return d.toDays() + "d" + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }
    return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
