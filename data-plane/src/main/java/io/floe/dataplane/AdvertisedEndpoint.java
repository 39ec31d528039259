package io.floe.dataplane;

import java.util.function.Supplier;

/** The endpoint this node tells clients to use; known only once the listener is bound. */
final class AdvertisedEndpoint implements Supplier<String> {
  private volatile String endpoint = "";

  void set(String endpoint) {
    this.endpoint = endpoint;
  }

  @Override
  public String get() {
    return endpoint;
  }
}
