package io.floe.core.format;

/**
 * A stored object is not what its format says it must be: corrupt, truncated, foreign or of a
 * format version this reader does not know. Names the object key and the byte position where the
 * problem was found so that an operator can inspect the object. Never retried: reading the same
 * immutable object again gives the same bytes.
 */
public class CorruptObjectException extends RuntimeException {
  private final String key;
  private final long position;
  private final String problem;

  public CorruptObjectException(String key, long position, String problem) {
    this(key, position, problem, null);
  }

  public CorruptObjectException(String key, long position, String problem, Throwable cause) {
    super("corrupt object " + key + " at byte " + position + ": " + problem, cause);
    this.key = key;
    this.position = position;
    this.problem = problem;
  }

  /** What is wrong, without the key and position. */
  public String problem() {
    return problem;
  }

  /** The object's key, relative to the store's root. */
  public String key() {
    return key;
  }

  /** The byte position in the object where the problem was detected. */
  public long position() {
    return position;
  }
}
