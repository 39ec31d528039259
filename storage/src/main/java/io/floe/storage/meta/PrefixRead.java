package io.floe.storage.meta;

import java.util.List;

/**
 * The keys under a prefix, in key order, as of {@code revision}: watch from {@code revision + 1} to
 * follow every change after this read.
 */
public record PrefixRead(List<MetaEntry> entries, long revision) {
  public PrefixRead {
    entries = List.copyOf(entries);
  }
}
