package io.floe.storage.object.memory;

import io.floe.storage.object.ObjectStore;
import io.floe.storage.object.ObjectStoreContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

class InMemoryObjectStoreTest extends ObjectStoreContract {
  private ObjectStore store;

  @BeforeEach
  void newStore() {
    store = new InMemoryObjectStore();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Override
  protected ObjectStore store() {
    return store;
  }
}
