package io.floe.testsupport.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ServerIT {
  @RegisterExtension static final S3Extension S3 = new S3Extension();

  private FaultyS3Front front;

  @AfterEach
  void closeFront() {
    if (front != null) {
      front.close();
    }
  }

  @Test
  void storesAndReadsBackObjectsOverHttpWithSignatures() {
    try (S3Client s3 = client(S3.endpoint())) {
      s3.putObject(b -> b.bucket(S3.bucket()).key("a/b"), RequestBody.fromString("hello"));

      assertThat(s3.getObjectAsBytes(b -> b.bucket(S3.bucket()).key("a/b")).asUtf8String())
          .isEqualTo("hello");
    }
  }

  @Test
  void eachTestGetsAFreshEmptyBucket() {
    try (S3Client s3 = client(S3.endpoint())) {
      assertThat(s3.listObjectsV2(b -> b.bucket(S3.bucket())).contents()).isEmpty();
    }
  }

  @Test
  void frontInjectsErrorsThenForwardsTransparently() {
    front = FaultyS3Front.start(S3.endpoint()).slowDownNext(1);
    try (S3Client s3 = client(front.endpoint())) {
      assertThatThrownBy(
              () -> s3.putObject(b -> b.bucket(S3.bucket()).key("k"), RequestBody.fromString("v")))
          .isInstanceOfSatisfying(
              S3Exception.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
              });

      s3.putObject(b -> b.bucket(S3.bucket()).key("k"), RequestBody.fromString("v"));

      assertThat(s3.getObjectAsBytes(b -> b.bucket(S3.bucket()).key("k")).asUtf8String())
          .isEqualTo("v");
      assertThat(front.requestCount()).isEqualTo(3);
      assertThat(front.requestLines()).first().asString().startsWith("PUT /" + S3.bucket());
    }
  }

  @Test
  void frontDropsConnections() {
    front = FaultyS3Front.start(S3.endpoint()).dropNext(1);
    try (S3Client s3 = client(front.endpoint())) {
      assertThatThrownBy(() -> s3.headBucket(b -> b.bucket(S3.bucket())))
          .isInstanceOf(SdkClientException.class);

      s3.headBucket(b -> b.bucket(S3.bucket()));
      assertThat(front.requestCount()).isEqualTo(2);
    }
  }

  private static S3Client client(URI endpoint) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(S3.region()))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3.accessKey(), S3.secretKey())))
        .overrideConfiguration(c -> c.retryStrategy(DefaultRetryStrategy.doNotRetry()))
        .build();
  }
}
