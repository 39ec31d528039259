package io.floe.loadtests.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.floe.core.format.Json;
import io.floe.core.table.Durability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The long run in segments (DESIGN.md §14): each segment is a whole run on a fresh cluster, its
 * history checked on its own and its report written, and one line of this ledger (JSON lines, kept
 * beside the reports) records its faults and its counts. Faults per kind add up across the
 * segments; once every kind reached the asked count, {@link #summary} is the long run's report. A
 * machine that cannot run for the 4–5 hours the whole takes runs it a segment at a time.
 */
final class LongRunLedger {
  /** One fault as the ledger keeps it. */
  record Fault(
      FaultKind kind, long failoverMs, double writeGapSec, double wholeSec, String problem) {}

  /**
   * One segment: when it ended, the code it ran ({@code git describe} of the tree, "" where not
   * recorded), its report, whether it passed, the checker's counts per mode and its faults.
   */
  record Segment(
      String ended,
      String code,
      String report,
      boolean passed,
      Map<Durability, CheckResult.Counts> counts,
      List<Fault> faults) {}

  private final Path file;

  LongRunLedger(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Appends {@code segment} as one line. */
  void append(Segment segment) throws IOException {
    ObjectNode line = Json.object();
    line.put("ended", segment.ended());
    line.put("code", segment.code());
    line.put("report", segment.report());
    line.put("passed", segment.passed());
    ObjectNode counts = line.putObject("counts");
    segment
        .counts()
        .forEach(
            (mode, c) ->
                counts
                    .putArray(mode.jsonName())
                    .add(c.acknowledgedWrites())
                    .add(c.lostWrites())
                    .add(c.phantoms())
                    .add(c.reorderedKeys())
                    .add(c.staleReads())
                    .add(c.unreadableKeys()));
    ArrayNode faults = line.putArray("faults");
    for (Fault f : segment.faults()) {
      ObjectNode o = faults.addObject();
      o.put("kind", f.kind().label());
      o.put("failover_ms", f.failoverMs());
      o.put("write_gap_s", f.writeGapSec());
      o.put("whole_s", f.wholeSec());
      if (f.problem() != null) {
        o.put("problem", f.problem());
      }
    }
    if (file.toAbsolutePath().getParent() != null) {
      Files.createDirectories(file.toAbsolutePath().getParent());
    }
    Files.writeString(
        file,
        line.toString() + "\n", // one line: JsonNode.toString is compact JSON
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Every segment recorded so far (none when the ledger does not exist yet). */
  List<Segment> read() throws IOException {
    List<Segment> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (text.isBlank()) {
        continue;
      }
      JsonNode line = Json.read("long-run ledger line", text);
      Map<Durability, CheckResult.Counts> counts = new EnumMap<>(Durability.class);
      line.path("counts")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode c = e.getValue();
                counts.put(
                    Durability.fromJsonName(e.getKey()),
                    new CheckResult.Counts(
                        c.get(0).asLong(),
                        c.get(1).asLong(),
                        c.get(2).asLong(),
                        c.get(3).asLong(),
                        c.get(4).asLong(),
                        c.get(5).asLong()));
              });
      List<Fault> faults = new ArrayList<>();
      for (JsonNode f : line.path("faults")) {
        faults.add(
            new Fault(
                FaultKind.ofLabel(f.path("kind").asText()),
                f.path("failover_ms").asLong(),
                f.path("write_gap_s").asDouble(),
                f.path("whole_s").asDouble(),
                f.hasNonNull("problem") ? f.get("problem").asText() : null));
      }
      out.add(
          new Segment(
              line.path(line.has("ended") ? "ended" : "started").asText(),
              line.path("code").asText(""),
              line.path("report").asText(),
              line.path("passed").asBoolean(),
              counts,
              faults));
    }
    return out;
  }

  /** Faults injected per kind over {@code segments}. */
  static Map<FaultKind, Integer> done(List<Segment> segments) {
    Map<FaultKind, Integer> out = new EnumMap<>(FaultKind.class);
    for (Segment s : segments) {
      for (Fault f : s.faults()) {
        out.merge(f.kind(), 1, Integer::sum);
      }
    }
    return out;
  }

  /** How many rounds (one fault of each kind) are still missing for {@code perKind} of each. */
  static int roundsLeft(List<Segment> segments, List<FaultKind> kinds, int perKind) {
    Map<FaultKind, Integer> done = done(segments);
    return kinds.stream().mapToInt(k -> perKind - done.getOrDefault(k, 0)).max().orElse(0);
  }

  /**
   * The long run's report over every segment: faults by kind with failover p50 / p99 / max and the
   * longest write gap, then the writes acknowledged and lost per mode, then one line per segment.
   * Until every kind in {@code kinds} has {@code perKind} faults it says the run is in progress.
   */
  static String summary(List<Segment> segments, List<FaultKind> kinds, int perKind) {
    StringBuilder b = new StringBuilder();
    Map<FaultKind, Integer> done = done(segments);
    boolean passed = segments.stream().allMatch(Segment::passed);
    int left = roundsLeft(segments, kinds, perKind);
    int faults = done.values().stream().mapToInt(Integer::intValue).sum();
    b.append("# Floe load and fault run: the long run\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "**%s** %d faults of each of %d kinds asked; %d faults run in %d segment%s (each a"
                + " whole run on a fresh cluster, its history checked on its own; the segments'"
                + " reports are linked below)%s.%n%n",
            left > 0
                ? "In progress" + (passed ? "" : ", a segment FAILED") + "."
                : passed ? "Passed." : "FAILED.",
            perKind,
            kinds.size(),
            faults,
            segments.size(),
            segments.size() == 1 ? "" : "s",
            left > 0
                ? "; "
                    + left
                    + (left == 1 ? " round" : " rounds")
                    + " of one fault of each kind left"
                : ""));
    b.append(
        "| fault | count | failover p50 / p99 / max (ms) | longest write gap (s) | problems |\n");
    b.append("|---|---:|---:|---:|---:|\n");
    for (FaultKind kind : FaultKind.values()) {
      List<Fault> of = new ArrayList<>();
      segments.forEach(s -> s.faults().stream().filter(f -> f.kind() == kind).forEach(of::add));
      if (of.isEmpty()) {
        continue;
      }
      long[] ms = of.stream().mapToLong(Fault::failoverMs).filter(x -> x >= 0).sorted().toArray();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %.1f | %d |%n",
              kind.label(),
              of.size(),
              ms.length == 0
                  ? "—"
                  : ChaosReport.pct(ms, 0.50)
                      + " / "
                      + ChaosReport.pct(ms, 0.99)
                      + " / "
                      + ms[ms.length - 1],
              of.stream().mapToDouble(Fault::writeGapSec).max().orElse(0),
              of.stream().filter(f -> f.problem() != null).count()));
    }
    b.append(
        "\n| mode | acknowledged writes | lost writes | phantoms | reordered keys | stale reads"
            + " | keys not read back |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Durability mode : Durability.values()) {
      long[] sum = new long[6];
      boolean any = false;
      for (Segment s : segments) {
        CheckResult.Counts c = s.counts().get(mode);
        if (c != null) {
          any = true;
          long[] v = {
            c.acknowledgedWrites(),
            c.lostWrites(),
            c.phantoms(),
            c.reorderedKeys(),
            c.staleReads(),
            c.unreadableKeys()
          };
          Arrays.setAll(sum, i -> sum[i] + v[i]);
        }
      }
      if (any) {
        b.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %d | %d | %d |%n",
                mode.jsonName(),
                sum[0],
                sum[1],
                sum[2],
                sum[3],
                sum[4],
                sum[5]));
      }
    }
    b.append(
        "\n`replicated` and `s3` promise to lose no acknowledged write. `memory` may lose what a"
            + " deposed leader acknowledged but neither replicated nor shipped (replication.md §8):"
            + " its lost writes and stale reads are counted, and fail no segment.\n");
    b.append("\n## Segments\n\n");
    for (int i = 0; i < segments.size(); i++) {
      Segment s = segments.get(i);
      b.append(
          String.format(
              Locale.ROOT,
              "%d. ended %s, code %s: %d faults, %s — [report](%s)%n",
              i + 1,
              s.ended(),
              s.code().isEmpty() ? "not recorded" : "`" + s.code() + "`",
              s.faults().size(),
              s.passed() ? "passed" : "FAILED",
              Path.of(s.report()).getFileName()));
    }
    return b.toString();
  }
}
