package io.floe.client.impl;

import io.floe.client.Blocking;
import io.floe.core.protocol.Response;
import io.floe.core.table.KeyCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * A table-wide scan: a k-way merge of the partitions' page streams by encoded key, following each
 * partition's continuations until {@code limit} rows are out or every partition is exhausted.
 *
 * <p>Pages are fetched lazily: each partition's first page is asked for at once (all in parallel),
 * sized to its share of the limit plus two standard deviations (keys hash evenly over partitions,
 * so a partition's count among the first {@code limit} rows is binomial: a second round trip is
 * rarely needed, and a short scan no longer reads many times the rows it returns); a partition's
 * next page only when the merge has used up the one in hand, sized to at most what can still be
 * needed. So at most one page per partition is fetched and not used: {@code limit + partitions ×
 * pageRows} rows. Rows are compared by the encoded keys the node sends beside them, never
 * re-encoded.
 */
final class MergedScan {
  /** The node's largest page (data-protocol.md §4.2); a larger ask is capped by the node anyway. */
  static final int MAX_PAGE_ROWS = 10_000;

  /** Smallest page asked of a partition: a few more rows cost less than another round trip. */
  static final int MIN_PAGE_ROWS = 8;

  private final List<PartitionPages> partitions;
  private final List<Integer> weights;
  private final int totalWeight;
  private final int maxPageRows;

  /** A merge of one page stream per partition. */
  MergedScan(List<PartitionPages> partitions, int maxPageRows) {
    this(partitions, Collections.nCopies(partitions.size(), 1), maxPageRows);
  }

  /**
   * A merge of page streams each covering {@code weights.get(i)} of the table's partitions (a node
   * merging the partitions it leads): a stream's first page is sized to its share of the limit, and
   * a stream covering every partition is asked for exactly the limit.
   */
  MergedScan(List<PartitionPages> partitions, List<Integer> weights, int maxPageRows) {
    if (weights.size() != partitions.size()) {
      throw new IllegalArgumentException(
          weights.size() + " weights for " + partitions.size() + " page streams");
    }
    this.partitions = partitions;
    this.weights = List.copyOf(weights);
    this.totalWeight = weights.stream().mapToInt(Integer::intValue).sum();
    this.maxPageRows = maxPageRows;
  }

  /** The first {@code limit} rows of the range over all partitions, encoded, in key order. */
  List<byte[]> first(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("scan limit must be at least 1, got " + limit);
    }
    List<Cursor> cursors = new ArrayList<>(partitions.size());
    for (int i = 0; i < partitions.size(); i++) {
      PartitionPages pages = partitions.get(i);
      int pageRows =
          weights.get(i) >= totalWeight
              ? Math.min(limit, maxPageRows)
              : pageRows(limit * (double) weights.get(i) / totalWeight);
      cursors.add(new Cursor(pages, pageRows, pages.fetch(null, Math.min(limit, pageRows))));
    }
    PriorityQueue<Cursor> heads =
        new PriorityQueue<>(
            Math.max(1, cursors.size()), (a, b) -> KeyCodec.compare(a.key(), b.key()));
    for (Cursor cursor : cursors) {
      if (cursor.hasRow(limit)) {
        heads.add(cursor);
      }
    }
    List<byte[]> out = new ArrayList<>(Math.min(limit, 1024));
    while (out.size() < limit && !heads.isEmpty()) {
      Cursor head = heads.poll();
      out.add(head.take());
      if (head.hasRow(limit - out.size())) {
        heads.add(head);
      }
    }
    return out;
  }

  /** Rows asked per page of one partition: its share of the limit with some room for skew. */
  int pageRows(int limit, int partitionCount) {
    return pageRows((double) limit / Math.max(1, partitionCount));
  }

  /** Rows asked per page of a stream expected to hold {@code share} of the first rows. */
  private int pageRows(double share) {
    long rows = (long) Math.ceil(share + 2 * Math.sqrt(share) + 1);
    return (int) Math.min(maxPageRows, Math.max(MIN_PAGE_ROWS, rows));
  }

  /** Where the merge stands in one partition: the page in hand and the way to the next. */
  private static final class Cursor {
    private final PartitionPages pages;
    private final int pageRows;
    private CompletableFuture<Response.Scanned> fetching;
    private Response.Scanned page;
    private int index;

    Cursor(PartitionPages pages, int pageRows, CompletableFuture<Response.Scanned> first) {
      this.pages = pages;
      this.pageRows = pageRows;
      this.fetching = first;
    }

    /**
     * Whether a row is at hand, fetching the next page when this one is used up. {@code wanted} is
     * the most rows the merge can still take from this partition: the next page is no larger.
     */
    boolean hasRow(int wanted) {
      while (true) {
        if (fetching != null) {
          page = Blocking.join(fetching);
          fetching = null;
          index = 0;
        }
        if (index < page.rows().size()) {
          return true;
        }
        if (page.continuation() == null || wanted <= 0) {
          return false;
        }
        if (page.rows().isEmpty()) {
          // only a full page carries a continuation: following this one could loop for ever
          throw new IllegalStateException(
              "the node answered an empty scan page with a continuation");
        }
        fetching = pages.fetch(page.continuation(), Math.min(wanted, pageRows));
      }
    }

    byte[] key() {
      return page.keys().get(index);
    }

    byte[] take() {
      return page.rows().get(index++);
    }
  }
}
