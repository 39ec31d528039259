package io.floe.core.table;

import java.util.ArrayList;
import java.util.List;

/**
 * The schema changes Floe accepts (spec.md §2.4): append nullable columns, nothing else. Rows
 * encoded under an older schema stay readable because {@link RowCodec} reads missing trailing
 * columns as null.
 */
public final class SchemaEvolution {
  private SchemaEvolution() {}

  /**
   * @throws InvalidSchemaException naming every refused change, or a rule the new schema breaks
   */
  public static Schema checkEvolution(Schema current, Schema proposed) {
    List<String> problems = new ArrayList<>(SchemaValidator.problems(proposed));
    if (proposed.schemaId() != current.schemaId() + 1) {
      problems.add(
          "schema-id must be "
              + (current.schemaId() + 1)
              + " (current + 1), found "
              + proposed.schemaId());
    }
    if (!proposed.primaryKey().equals(current.primaryKey())) {
      problems.add(
          "the primary key cannot change: " + current.primaryKey() + " → " + proposed.primaryKey());
    }
    checkExistingColumns(current, proposed, problems);
    for (int i = current.size(); i < proposed.size(); i++) {
      Column added = proposed.column(i);
      if (!added.nullable()) {
        problems.add("column '" + added.name() + "': an added column must be nullable");
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidSchemaException(problems);
    }
    return proposed;
  }

  private static void checkExistingColumns(Schema current, Schema proposed, List<String> problems) {
    for (int i = 0; i < current.size(); i++) {
      Column old = current.column(i);
      if (i >= proposed.size()) {
        problems.add("column '" + old.name() + "': columns cannot be dropped");
        continue;
      }
      Column now = proposed.column(i);
      if (!now.name().equals(old.name())) {
        problems.add(
            "column '"
                + old.name()
                + "': columns cannot be renamed or reordered (position "
                + i
                + " is now '"
                + now.name()
                + "')");
      } else if (now.type() != old.type()) {
        problems.add(
            "column '"
                + old.name()
                + "': type cannot change ("
                + old.type().jsonName()
                + " → "
                + now.type().jsonName()
                + ")");
      } else if (now.nullable() != old.nullable()) {
        problems.add("column '" + old.name() + "': nullability cannot change");
      }
    }
  }
}
