package io.floe.storage.catalog;

import java.util.Locale;

/** A table is live or soft-dropped (kept for a retention period so it can still be restored). */
public enum TableState {
  ACTIVE,
  DROPPED;

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
