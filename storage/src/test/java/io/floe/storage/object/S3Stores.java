package io.floe.storage.object;

import io.floe.testsupport.s3.S3Extension;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link S3ObjectStore}s for the embedded S3 endpoint of an {@link S3Extension}. */
public final class S3Stores {
  private S3Stores() {}

  /** Properties for the extension's current bucket, with quick retries for tests. */
  public static Map<String, String> properties(S3Extension s3, URI endpoint) {
    Map<String, String> p = new HashMap<>();
    p.put(ObjectStoreConfig.ENDPOINT, endpoint.toString());
    p.put(ObjectStoreConfig.REGION, s3.region());
    p.put(ObjectStoreConfig.PATH_STYLE, "true");
    p.put(ObjectStoreConfig.BUCKET, s3.bucket());
    p.put(ObjectStoreConfig.PREFIX, "cluster-a");
    p.put(ObjectStoreConfig.ACCESS_KEY, s3.accessKey());
    p.put(ObjectStoreConfig.SECRET_KEY, s3.secretKey());
    p.put(ObjectStoreConfig.CONNECT_TIMEOUT, "500ms");
    p.put(ObjectStoreConfig.CALL_TIMEOUT, "10s");
    p.put(ObjectStoreConfig.LIST_PAGE_SIZE, "7");
    p.put(ObjectStoreConfig.DELETE_BATCH_SIZE, "9");
    p.put("s3.retry.max-attempts", "3");
    p.put("s3.retry.initial-backoff", "10ms");
    p.put("s3.retry.max-backoff", "50ms");
    return p;
  }

  public static S3ObjectStore open(S3Extension s3) {
    return new S3ObjectStore(ObjectStoreConfig.fromProperties(properties(s3, s3.endpoint())));
  }
}
