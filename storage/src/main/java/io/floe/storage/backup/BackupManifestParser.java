package io.floe.storage.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.core.table.SchemaParser;
import io.floe.storage.backup.BackupManifest.Kind;
import io.floe.storage.backup.BackupManifest.Partition;
import io.floe.storage.backup.BackupManifest.SnapshotFile;
import io.floe.storage.backup.BackupManifest.Table;
import io.floe.storage.backup.BackupManifest.WalFile;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and writes backup manifests ({@code json/backup-manifest.schema.json}). */
public final class BackupManifestParser {
  public static final String KIND = "backup manifest";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private BackupManifestParser() {}

  public static String toJson(BackupManifest manifest) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("backup-id", manifest.backupId());
    node.put("label", manifest.label());
    node.put("cluster", manifest.cluster());
    node.put("kind", manifest.kind().name().toLowerCase(Locale.ROOT));
    manifest.parentBackupId().ifPresent(id -> node.put("parent-backup-id", id));
    node.put("cut-timestamp-us", manifest.cutTimestampUs());
    node.put("created-ms", manifest.createdMs());
    ArrayNode tables = node.putArray("tables");
    manifest.tables().forEach(t -> writeTable(t, tables.addObject()));
    return Json.write(node);
  }

  private static void writeTable(Table table, ObjectNode node) {
    node.put("tid", table.tid()).put("db", table.db()).put("name", table.name());
    node.set("schema", SchemaParser.toNode(table.schema()));
    ArrayNode partitions = node.putArray("partitions");
    for (Partition partition : table.partitions()) {
      ObjectNode p = partitions.addObject().put("partition-id", partition.partitionId());
      partition.snapshot().ifPresent(s -> writeSnapshot(s, p.putObject("snapshot")));
      ArrayNode ranges = p.putArray("wal-ranges");
      for (WalFile wal : partition.walRanges()) {
        ranges
            .addObject()
            .put("object-key", wal.objectKey())
            .put("first-offset", wal.firstOffset())
            .put("last-offset", wal.lastOffset())
            .put("size-bytes", wal.sizeBytes())
            .put("sha256", wal.sha256());
      }
    }
  }

  private static void writeSnapshot(SnapshotFile snapshot, ObjectNode node) {
    node.put("object-key", snapshot.objectKey())
        .put("offset", snapshot.offset())
        .put("row-count", snapshot.rowCount())
        .put("size-bytes", snapshot.sizeBytes())
        .put("sha256", snapshot.sha256());
  }

  public static BackupManifest fromJson(String json) {
    return fromNode(Json.read(KIND, json));
  }

  public static BackupManifest fromNode(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    Kind kind = kind(root);
    Optional<String> parent = root.optionalString("parent-backup-id");
    if ((kind == Kind.INCREMENTAL) != parent.isPresent()) {
      throw root.error("parent-backup-id", "must be present exactly for an incremental backup");
    }
    return new BackupManifest(
        root.text("backup-id"),
        root.text("label"),
        root.text("cluster"),
        kind,
        parent,
        root.timestampUs("cut-timestamp-us"),
        root.count("created-ms"),
        root.objects("tables").stream().map(BackupManifestParser::table).toList());
  }

  private static Kind kind(JsonObject root) {
    String kind = root.string("kind");
    return switch (kind) {
      case "full" -> Kind.FULL;
      case "incremental" -> Kind.INCREMENTAL;
      default -> throw root.error("kind", "must be full or incremental, found '" + kind + "'");
    };
  }

  private static Table table(JsonObject node) {
    return new Table(
        node.count("tid"),
        node.text("db"),
        node.text("name"),
        SchemaParser.fromNode(node.node("schema")),
        node.objects("partitions").stream().map(BackupManifestParser::partition).toList());
  }

  private static Partition partition(JsonObject node) {
    return new Partition(
        node.integer("partition-id"),
        node.optionalObject("snapshot").map(BackupManifestParser::snapshot),
        node.objects("wal-ranges").stream().map(BackupManifestParser::wal).toList());
  }

  private static SnapshotFile snapshot(JsonObject node) {
    return new SnapshotFile(
        node.text("object-key"),
        node.count("offset"),
        node.count("row-count"),
        node.count("size-bytes"),
        sha256(node));
  }

  private static WalFile wal(JsonObject node) {
    return new WalFile(
        node.text("object-key"),
        node.count("first-offset"),
        node.count("last-offset"),
        node.count("size-bytes"),
        sha256(node));
  }

  private static String sha256(JsonObject node) {
    String sha = node.string("sha256");
    if (!SHA256.matcher(sha).matches()) {
      throw node.error("sha256", "must be 64 lower-case hex digits");
    }
    return sha;
  }
}
