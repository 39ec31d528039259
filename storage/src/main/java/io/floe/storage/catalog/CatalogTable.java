package io.floe.storage.catalog;

import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One table of the catalog with its settings. {@code dropTimeMs} is present exactly when the table
 * is {@link TableState#DROPPED}.
 */
public record CatalogTable(
    long tid,
    String db,
    String name,
    Schema schema,
    int partitions,
    int replicas,
    Durability durability,
    OptionalLong ttlMs,
    TableState state,
    OptionalLong dropTimeMs) {

  public CatalogTable {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(ttlMs, "ttlMs");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(dropTimeMs, "dropTimeMs");
    if ((state == TableState.DROPPED) != dropTimeMs.isPresent()) {
      throw new IllegalArgumentException(
          "table " + db + "." + name + ": a drop time goes with state dropped, and only with it");
    }
  }

  public String fullName() {
    return db + "." + name;
  }
}
