package io.floe.client;

/**
 * A primary-key range: key values in primary-key order, null for an open end. The default is
 * inclusive start, exclusive end.
 */
public record KeyRange(Object[] start, boolean startInclusive, Object[] end, boolean endInclusive) {
  public static KeyRange all() {
    return new KeyRange(null, true, null, false);
  }

  /** {@code [start, end)}. */
  public static KeyRange of(Object[] start, Object[] end) {
    return new KeyRange(start, true, end, false);
  }
}
