package io.floe.core.table;

import java.util.List;

/**
 * A table schema (or a schema change) breaks the rules of spec.md §2. Carries every problem found,
 * each naming the column at fault, so a user can fix them all at once.
 */
public class InvalidSchemaException extends RuntimeException {
  private final List<String> problems;

  public InvalidSchemaException(List<String> problems) {
    super("invalid schema: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
