package io.floe.core.protocol;

import io.floe.core.format.FormatException;
import io.floe.core.protocol.Request.CreateTable;
import io.floe.core.table.InvalidSchemaException;
import io.floe.core.table.Schema;
import io.floe.core.table.SchemaLimits;
import io.floe.core.table.SchemaParser;

/**
 * Checks a {@code CREATE_TABLE} request as strictly as the catalog checks a table ({@code
 * data-protocol.md} §4.3): a request that decodes is not yet a table anyone should create. Every
 * refusal names the field.
 */
public final class CreateTableValidator {
  /** Upper bound on partitions per table, to keep a bad request from allocating wildly. */
  public static final int MAX_PARTITIONS = 4096;

  private CreateTableValidator() {}

  /**
   * Returns the request's schema, parsed and validated.
   *
   * @throws MalformedFrameException for a bad name, table id or partition count
   * @throws FloeRequestException {@code SCHEMA_VIOLATION} for a schema that is not valid
   */
  public static Schema validate(CreateTable request) {
    checkTableName(request.table());
    if (request.tableId() < 1) {
      throw new MalformedFrameException("table id: must be at least 1, found " + request.tableId());
    }
    if (request.partitions() < 1 || request.partitions() > MAX_PARTITIONS) {
      throw new MalformedFrameException(
          "partitions: must be in [1, " + MAX_PARTITIONS + "], found " + request.partitions());
    }
    return parseSchema(request.schemaJson());
  }

  /**
   * A table's full name is {@code db.table}, each part following the column-name rule of spec.md
   * §2.2 ({@link SchemaLimits#NAME}), as the catalog's {@code db} and {@code name} do.
   */
  public static void checkTableName(String fullName) {
    int dot = fullName.indexOf('.');
    if (dot < 0
        || !SchemaLimits.isValidName(fullName.substring(0, dot))
        || !SchemaLimits.isValidName(fullName.substring(dot + 1))) {
      throw new MalformedFrameException(
          "table: '"
              + printable(fullName)
              + "' is not db.table (each part an ASCII letter, then up to 63 letters, digits or _)");
    }
  }

  private static Schema parseSchema(String json) {
    try {
      return SchemaParser.fromJson(json);
    } catch (InvalidSchemaException | FormatException e) {
      throw new FloeRequestException(
          ErrorCode.SCHEMA_VIOLATION, "schema: not a valid table schema: " + e.getMessage());
    }
  }

  /** The name as it can be shown in a message: control characters escaped, length capped. */
  private static String printable(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && out.length() < 200; i++) {
      char c = name.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : c);
    }
    return out.toString();
  }
}
