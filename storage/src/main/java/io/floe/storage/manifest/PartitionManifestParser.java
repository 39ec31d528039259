package io.floe.storage.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.FormatException;
import io.floe.core.format.Json;
import io.floe.core.format.JsonObject;
import io.floe.storage.manifest.PartitionManifest.SnapshotRef;
import io.floe.storage.manifest.PartitionManifest.TailPointer;
import io.floe.storage.manifest.PartitionManifest.TermStart;
import io.floe.storage.manifest.PartitionManifest.WalRange;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes partition manifests ({@code json/partition-manifest.schema.json}). Reading
 * refuses unknown format versions and manifests whose WAL ranges or terms are out of order.
 */
public final class PartitionManifestParser {
  public static final String KIND = "partition manifest";
  public static final int FORMAT_VERSION = 1;
  private static final Set<Integer> SUPPORTED = Set.of(FORMAT_VERSION);

  private PartitionManifestParser() {}

  public static String toJson(PartitionManifest manifest) {
    ObjectNode node = Json.object();
    node.put("format-version", FORMAT_VERSION);
    node.put("table-id", manifest.tableId());
    node.put("partition-id", manifest.partitionId());
    node.put("version", manifest.version());
    node.put("schema-id", manifest.schemaId());
    ArrayNode snapshots = node.putArray("snapshots");
    manifest.snapshots().forEach(s -> writeSnapshot(s, snapshots.addObject()));
    ArrayNode ranges = node.putArray("wal-ranges");
    manifest.walRanges().forEach(r -> writeRange(r, ranges.addObject()));
    ArrayNode terms = node.putArray("term-history");
    for (TermStart term : manifest.termHistory()) {
      terms
          .addObject()
          .put("term", term.term())
          .put("leader", term.leader())
          .put("start-offset", term.startOffset());
    }
    manifest
        .tail()
        .ifPresent(
            tail ->
                node.putObject("tail")
                    .put("node", tail.node())
                    .put("incarnation", tail.incarnation())
                    .put("next-seq", tail.nextSeq()));
    return Json.write(node);
  }

  private static void writeSnapshot(SnapshotRef snapshot, ObjectNode node) {
    node.put("offset", snapshot.offset()).put("term", snapshot.term());
    ArrayNode keys = node.putArray("object-keys");
    snapshot.objectKeys().forEach(keys::add);
    node.put("row-count", snapshot.rowCount()).put("size-bytes", snapshot.sizeBytes());
  }

  private static void writeRange(WalRange range, ObjectNode node) {
    node.put("object-key", range.objectKey())
        .put("byte-offset", range.byteOffset())
        .put("byte-length", range.byteLength())
        .put("first-offset", range.firstOffset())
        .put("last-offset", range.lastOffset())
        .put("min-timestamp-us", range.minTimestampUs())
        .put("max-timestamp-us", range.maxTimestampUs())
        .put("term", range.term());
  }

  public static PartitionManifest fromJson(String json) {
    return fromNode(Json.read(KIND, json));
  }

  public static PartitionManifest fromJson(byte[] utf8) {
    return fromNode(Json.read(KIND, utf8));
  }

  /**
   * Reads the document stored as {@code version} (spec.md §7): the version inside must match the
   * one its key names, or the store holds a misplaced document.
   */
  public static PartitionManifest fromJson(byte[] utf8, long version) {
    PartitionManifest document = fromJson(utf8);
    Json.checkStoredVersion(KIND, version, document.version());
    return document;
  }

  /**
   * @throws io.floe.core.format.UnsupportedFormatVersionException for an unknown format-version
   * @throws FormatException for anything else that does not follow spec.md §8
   */
  public static PartitionManifest fromNode(JsonNode json) {
    JsonObject root = JsonObject.root(KIND, json);
    root.formatVersion(SUPPORTED);
    PartitionManifest manifest =
        new PartitionManifest(
            root.count("table-id"),
            root.integer("partition-id"),
            root.count("version"),
            root.integer("schema-id"),
            root.objects("snapshots").stream().map(PartitionManifestParser::snapshot).toList(),
            root.objects("wal-ranges").stream().map(PartitionManifestParser::range).toList(),
            root.objects("term-history").stream().map(PartitionManifestParser::term).toList(),
            root.optionalObject("tail").map(PartitionManifestParser::tail));
    check(manifest);
    return manifest;
  }

  private static SnapshotRef snapshot(JsonObject node) {
    return new SnapshotRef(
        node.count("offset"),
        node.count("term"),
        node.strings("object-keys"),
        node.count("row-count"),
        node.count("size-bytes"));
  }

  private static WalRange range(JsonObject node) {
    WalRange range =
        new WalRange(
            node.text("object-key"),
            node.count("byte-offset"),
            node.count("byte-length"),
            node.count("first-offset"),
            node.count("last-offset"),
            node.timestampUs("min-timestamp-us"),
            node.timestampUs("max-timestamp-us"),
            node.count("term"));
    if (range.firstOffset() < 1 || range.lastOffset() < range.firstOffset()) {
      throw node.error("", "has first-offset/last-offset out of order");
    }
    return range;
  }

  private static TermStart term(JsonObject node) {
    return new TermStart(node.count("term"), node.text("leader"), node.count("start-offset"));
  }

  private static TailPointer tail(JsonObject node) {
    return new TailPointer(node.text("node"), node.count("incarnation"), node.count("next-seq"));
  }

  /**
   * The rules every manifest follows (spec.md §8): ranges contiguous after the newest snapshot (the
   * first may straddle its cut; leading ranges it wholly covers are skipped), terms ascending.
   *
   * @throws FormatException naming the first member that breaks them
   */
  public static void check(PartitionManifest manifest) {
    if (manifest.version() < 1) {
      throw new FormatException(KIND + ": version must be at least 1");
    }
    long snapshotOffset = manifest.latestSnapshot().map(SnapshotRef::offset).orElse(0L);
    long expected = snapshotOffset + 1;
    List<WalRange> ranges = manifest.walRanges();
    int first = 0;
    // Version-1 writers before the fix of recovery.md §4 wrote ranges the snapshot wholly covers
    // in front; they hold nothing a reader needs, so they are skipped rather than refused.
    while (first < ranges.size() && ranges.get(first).lastOffset() <= snapshotOffset) {
      first++;
    }
    for (int i = first; i < ranges.size(); i++) {
      // The first range may straddle the snapshot's cut: a WAL block is verified and read whole,
      // and a snapshot is cut at an exact offset, usually inside one. Readers skip what it covers.
      boolean straddles =
          i == first
              && ranges.get(i).firstOffset() < expected
              && ranges.get(i).lastOffset() >= expected;
      if (ranges.get(i).firstOffset() != expected && !straddles) {
        throw new FormatException(
            KIND
                + ": wal-ranges["
                + i
                + "].first-offset must be "
                + expected
                + " (contiguous after the snapshot and the previous range), found "
                + ranges.get(i).firstOffset());
      }
      expected = ranges.get(i).lastOffset() + 1;
    }
    List<TermStart> terms = manifest.termHistory();
    for (int i = 1; i < terms.size(); i++) {
      if (terms.get(i).term() <= terms.get(i - 1).term()) {
        throw new FormatException(KIND + ": term-history[" + i + "].term must be ascending");
      }
    }
  }
}
