package io.floe.core.storage.memory;

import io.floe.core.storage.ObjectStore;
import io.floe.core.storage.ObjectStoreContract;
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
