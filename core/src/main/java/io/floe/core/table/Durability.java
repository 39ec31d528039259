package io.floe.core.table;

import java.util.Locale;

/** When a write is acknowledged (DESIGN.md §5); {@code REPLICATED} is the default. */
public enum Durability {
  MEMORY,
  REPLICATED,
  S3;

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code name} ({@code memory}, {@code replicated}, {@code s3}), or null. */
  public static Durability fromJsonName(String name) {
    for (Durability mode : values()) {
      if (mode.jsonName().equals(name)) {
        return mode;
      }
    }
    return null;
  }
}
