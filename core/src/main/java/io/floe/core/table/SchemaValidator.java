package io.floe.core.table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Checks a table schema against spec.md §2.2 and reports every rule it breaks. */
public final class SchemaValidator {
  private SchemaValidator() {}

  /**
   * @throws InvalidSchemaException listing every problem, if there is any
   */
  public static Schema validate(Schema schema) {
    List<String> problems = problems(schema);
    if (!problems.isEmpty()) {
      throw new InvalidSchemaException(problems);
    }
    return schema;
  }

  /** Every problem of the schema, empty when it is valid. */
  public static List<String> problems(Schema schema) {
    List<String> problems = new ArrayList<>();
    if (schema.schemaId() < 0) {
      problems.add("schema-id must not be negative, found " + schema.schemaId());
    }
    checkColumns(schema, problems);
    checkPrimaryKey(schema, problems);
    return problems;
  }

  private static void checkColumns(Schema schema, List<String> problems) {
    if (schema.columns().isEmpty()) {
      problems.add("a schema needs at least one column");
    }
    if (schema.size() > SchemaLimits.MAX_COLUMNS) {
      problems.add(
          "too many columns: " + schema.size() + " (at most " + SchemaLimits.MAX_COLUMNS + ")");
    }
    Map<String, String> seen = new HashMap<>();
    for (Column column : schema.columns()) {
      String name = column.name();
      if (!SchemaLimits.isValidName(name)) {
        problems.add("column '" + name + "': " + nameProblem(name));
      }
      String previous = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
      if (previous != null) {
        problems.add(
            "column '"
                + name
                + "': duplicate name"
                + (previous.equals(name) ? "" : " (same as '" + previous + "' ignoring case)"));
      }
    }
  }

  private static void checkPrimaryKey(Schema schema, List<String> problems) {
    List<String> key = schema.primaryKey();
    if (key.isEmpty()) {
      problems.add("the primary key is empty: name at least one column");
    }
    if (key.size() > SchemaLimits.MAX_PRIMARY_KEY_COLUMNS) {
      problems.add(
          "the primary key has "
              + key.size()
              + " columns (at most "
              + SchemaLimits.MAX_PRIMARY_KEY_COLUMNS
              + ")");
    }
    Set<String> seen = new HashSet<>();
    for (String name : key) {
      if (!seen.add(name)) {
        problems.add("primary key column '" + name + "': named twice");
        continue;
      }
      int index = schema.indexOf(name);
      if (index < 0) {
        problems.add("primary key column '" + name + "': no such column");
      } else if (schema.column(index).nullable()) {
        problems.add("primary key column '" + name + "': must not be nullable");
      }
    }
  }

  /** What is wrong with a name that does not match {@link SchemaLimits#NAME}. */
  public static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "the name is empty";
    }
    if (name.length() > SchemaLimits.MAX_NAME_LENGTH) {
      return "the name is "
          + name.length()
          + " characters long (at most "
          + SchemaLimits.MAX_NAME_LENGTH
          + ")";
    }
    if (name.startsWith("_")) {
      return "names starting with '_' are reserved for hidden columns";
    }
    return "a name must start with an ASCII letter and hold only ASCII letters, digits and '_'";
  }
}
