package io.floe.client.control;

import io.floe.core.table.Durability;
import io.floe.core.table.Schema;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ControlClient#createTable} asks for (control-api.md §2, {@code POST /v1/tables}); the
 * control plane chooses the table id and places the replicas.
 *
 * @param name {@code db.table}
 * @param durability null for the control plane's default ({@code replicated} with 2+ replicas,
 *     {@code memory} with one)
 * @param ttl null for rows that never expire
 */
public record NewTable(
    String name, Schema schema, int partitions, int replicas, Durability durability, Duration ttl) {
  public NewTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
  }
}
