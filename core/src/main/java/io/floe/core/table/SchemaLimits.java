package io.floe.core.table;

import java.util.regex.Pattern;

/** The limits of spec.md §2.2 and §2.3, in one place so that spec and code can be compared. */
public final class SchemaLimits {
  public static final int MAX_COLUMNS = 1024;
  public static final int MAX_PRIMARY_KEY_COLUMNS = 16;
  public static final int MAX_NAME_LENGTH = 64;

  /** Column, table and database names; a leading {@code _} is reserved for hidden columns. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

  /** Largest {@code string} (UTF-8) or {@code bytes} value. */
  public static final int MAX_VALUE_BYTES = 1 << 20;

  /** Largest encoded row ({@link RowCodec}). */
  public static final int MAX_ROW_BYTES = 4 << 20;

  /** Largest encoded primary key ({@link KeyCodec}). */
  public static final int MAX_KEY_BYTES = 4 << 10;

  private SchemaLimits() {}

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
