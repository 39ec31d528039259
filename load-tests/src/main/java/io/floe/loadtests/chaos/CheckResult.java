package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link Checker} found: counts of each anomaly in total and per durability mode, and the
 * first few examples of each per mode. Op {@code a} is strictly before op {@code b} iff {@code a}
 * was acknowledged before {@code b} was invoked (see {@link Op}).
 *
 * @param byMode counts per durability mode; anomalies in tables the history never touched have no
 *     mode and appear in {@code total} only
 * @param examples up to the checker's limit per anomaly kind and mode, in the order found
 */
public record CheckResult(Counts total, Map<Durability, Counts> byMode, List<Anomaly> examples) {

  /** How many acknowledged writes were checked and how many of each anomaly were found. */
  public record Counts(
      long acknowledgedWrites,
      long lostWrites,
      long phantoms,
      long reorderedKeys,
      long staleReads,
      long unreadableKeys) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

    public long of(Anomaly.Kind kind) {
      return switch (kind) {
        case LOST_WRITE -> lostWrites;
        case PHANTOM -> phantoms;
        case REORDERED -> reorderedKeys;
        case STALE_READ -> staleReads;
        case UNREADABLE -> unreadableKeys;
      };
    }

    /** True iff no anomaly of any kind was found and every key was read back. */
    public boolean clean() {
      return lostWrites + phantoms + reorderedKeys + staleReads + unreadableKeys == 0;
    }
  }

  public CheckResult {
    byMode = Map.copyOf(byMode);
    examples = List.copyOf(examples);
  }

  /** True iff no anomaly was found in any mode. */
  public boolean valid() {
    return total.clean();
  }

  /**
   * Whether the findings are what Floe promises: nothing wrong in {@code replicated} or {@code s3}
   * mode, no phantom anywhere, and every key read back (recovery needs no manual step). A {@code
   * memory} table may lose what its deposed leader acknowledged but neither replicated nor shipped
   * (replication.md §8): a later read then goes back in time, or the final state misses the write.
   */
  public boolean keepsPromises() {
    return counts(Durability.REPLICATED).clean()
        && counts(Durability.S3).clean()
        && total.phantoms() == 0
        && total.unreadableKeys() == 0;
  }

  /** The counts of one durability mode; {@link Counts#NONE} if the history had none of it. */
  public Counts counts(Durability mode) {
    return byMode.getOrDefault(mode, Counts.NONE);
  }

  public List<Anomaly> examples(Anomaly.Kind kind) {
    return examples.stream().filter(a -> a.kind() == kind).toList();
  }

  public List<Anomaly> examples(Anomaly.Kind kind, Durability mode) {
    return examples.stream().filter(a -> a.kind() == kind && a.mode() == mode).toList();
  }

  /** A compact Markdown report: a table of counts, then the examples of each anomaly kind. */
  public String summary() {
    StringBuilder out = new StringBuilder();
    out.append("History check: ").append(headline()).append("\n\n");
    out.append(
        "| mode | acknowledged writes | lost writes | phantoms | reordered keys | stale reads"
            + " | keys not read back |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Durability mode : Durability.values()) {
      if (byMode.containsKey(mode)) {
        appendRow(out, mode.jsonName(), byMode.get(mode));
      }
    }
    appendRow(out, "total", total);
    for (Anomaly.Kind kind : Anomaly.Kind.values()) {
      List<Anomaly> found = examples(kind);
      if (!found.isEmpty()) {
        out.append("\n**").append(kind.title()).append("** (first examples)\n");
        found.forEach(
            a ->
                out.append("- ")
                    .append(modeName(a.mode()))
                    .append(' ')
                    .append(a.describe())
                    .append('\n'));
      }
    }
    return out.toString();
  }

  private String headline() {
    if (valid()) {
      return "valid";
    }
    if (!keepsPromises()) {
      return "**anomalies found**";
    }
    Counts memory = counts(Durability.MEMORY);
    return String.format(
        Locale.ROOT,
        "valid for `replicated` and `s3`; `memory` lost acknowledged writes (%d read back older"
            + " than a write acknowledged before them, %d missing at the end), which its spec"
            + " allows a deposed leader to lose (replication.md §8)",
        memory.staleReads(),
        memory.lostWrites());
  }

  private static void appendRow(StringBuilder out, String name, Counts c) {
    out.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d | %d | %d | %d | %d |\n",
            name,
            c.acknowledgedWrites(),
            c.lostWrites(),
            c.phantoms(),
            c.reorderedKeys(),
            c.staleReads(),
            c.unreadableKeys()));
  }

  private static String modeName(Durability mode) {
    return mode == null ? "(no mode)" : mode.jsonName();
  }
}
