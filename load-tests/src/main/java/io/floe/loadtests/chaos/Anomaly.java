package io.floe.loadtests.chaos;

import io.floe.core.table.Durability;

/**
 * One example of what {@link Checker} found wrong with a key. Op {@code a} is strictly before op
 * {@code b} iff {@code a} was acknowledged before {@code b} was invoked (see {@link Op}).
 *
 * @param mode durability mode of the key's table; null for a table the history never touched
 * @param observed the value in the final state or returned by {@code seenBy}; null means absent
 * @param seenBy the read that returned {@code observed}; null when it is the final state
 * @param source the write that put {@code observed} (for a phantom: the failed or too late write,
 *     if any); for an absent key the delete that took effect last, or null if there was none
 * @param newer what {@code observed} should not be older than: the lost acknowledged write ({@link
 *     Kind#LOST_WRITE}); the newest acknowledged write or the read of a newer value ({@link
 *     Kind#REORDERED}); the acknowledged write completed before the read began, or the earlier read
 *     of a newer value ({@link Kind#STALE_READ}); null for {@link Kind#PHANTOM} and {@link
 *     Kind#UNREADABLE}
 * @param reason a short phrase saying which rule was broken; for {@link Kind#UNREADABLE} the error
 *     the read back met
 */
public record Anomaly(
    Kind kind,
    Durability mode,
    String table,
    String key,
    String observed,
    Op seenBy,
    Op source,
    Op newer,
    String reason) {

  /** The anomalies {@link Checker} looks for; their definitions are on {@link Checker}. */
  public enum Kind {
    LOST_WRITE("lost writes"),
    PHANTOM("phantoms"),
    REORDERED("reordered keys"),
    STALE_READ("stale reads"),
    UNREADABLE("keys not read back");

    private final String title;

    Kind(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  /** A one-line Markdown rendering with the key, values and times. */
  public String describe() {
    StringBuilder line = new StringBuilder();
    if (kind == Kind.UNREADABLE) {
      return line.append('`')
          .append(table)
          .append('/')
          .append(key)
          .append("`: not read back: ")
          .append(reason)
          .toString();
    }
    line.append('`').append(table).append('/').append(key).append("`: ").append(reason);
    line.append("; ")
        .append(seenBy == null ? "final state " : "read " + seenBy.describe() + " saw ");
    line.append(quote(observed));
    if (source != null) {
      line.append(" from ").append(source.describe());
    }
    if (newer != null) {
      line.append("; newer: ").append(newer.describe());
    }
    return line.toString();
  }

  static String quote(String value) {
    return value == null ? "absent" : "`" + value + "`";
  }
}
