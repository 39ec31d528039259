package io.floe.dataplane.wal;

import io.floe.storage.manifest.PartitionManifest.WalRange;
import java.util.List;

/**
 * What the shipper made durable for one partition since its last manifest ({@code ranges}; {@code
 * bytes} counts since its last snapshot), and the stream position after it: every entry of the
 * partition not in {@code ranges} is in this node's stream at a sequence {@code >= nextSeq}. Read
 * atomically, so a manifest built from it leaves no hole.
 */
public record ShippedLog(List<WalRange> ranges, long bytes, long nextSeq) {
  public ShippedLog {
    ranges = List.copyOf(ranges);
  }
}
