package io.floe.storage.object;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * A lazy listing: fetches one ListObjectsV2 page (each with retries) only when the previous one has
 * been consumed, so a caller that stops early never pays for the rest.
 */
final class S3Listing implements Iterator<ObjectInfo> {
  private final S3Calls s3;
  private final String prefix;
  private final String startAfter;
  private final Deque<ObjectInfo> page = new ArrayDeque<>();
  private String continuationToken;
  private boolean lastPageFetched;

  private S3Listing(S3Calls s3, String prefix, String startAfter) {
    this.s3 = s3;
    this.prefix = prefix;
    this.startAfter = startAfter;
  }

  /** Objects whose Floe key starts with {@code prefix}, after {@code startAfter} when not null. */
  static Stream<ObjectInfo> stream(S3Calls s3, String prefix, String startAfter) {
    S3Listing listing = new S3Listing(s3, prefix == null ? "" : prefix, startAfter);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(listing, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  @Override
  public boolean hasNext() {
    while (page.isEmpty() && !lastPageFetched) {
      fetchPage();
    }
    return !page.isEmpty();
  }

  @Override
  public ObjectInfo next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return page.removeFirst();
  }

  private void fetchPage() {
    String s3Prefix = s3.config().prefix() + prefix;
    ListObjectsV2Response r =
        s3.call(
            "list",
            prefix + "*",
            () ->
                s3.client()
                    .listObjectsV2(
                        b -> {
                          b.bucket(s3.bucket())
                              .prefix(s3Prefix)
                              .maxKeys(s3.config().listPageSize());
                          if (continuationToken != null) {
                            b.continuationToken(continuationToken);
                          } else if (startAfter != null) {
                            b.startAfter(s3.config().prefix() + startAfter);
                          }
                        }));
    r.contents()
        .forEach(o -> page.addLast(new ObjectInfo(s3.floeKey(o.key()), o.size(), o.eTag())));
    continuationToken = r.nextContinuationToken();
    lastPageFetched = !Boolean.TRUE.equals(r.isTruncated()) || continuationToken == null;
  }
}
