package io.floe.storage.catalog;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One immutable version of a cluster's tables, live and soft-dropped (spec.md §9): enough to
 * rebuild etcd's table metadata without etcd.
 */
public record Catalog(long version, String cluster, long nextTid, List<CatalogTable> tables) {
  public Catalog {
    Objects.requireNonNull(cluster, "cluster");
    tables = List.copyOf(Objects.requireNonNull(tables, "tables"));
  }

  public Optional<CatalogTable> table(long tid) {
    return tables.stream().filter(t -> t.tid() == tid).findFirst();
  }

  /** The live table called {@code db.name}, if any. */
  public Optional<CatalogTable> activeTable(String db, String name) {
    return tables.stream()
        .filter(t -> t.state() == TableState.ACTIVE && t.db().equals(db) && t.name().equals(name))
        .findFirst();
  }
}
