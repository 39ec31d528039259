package io.floe.core.protocol;

/**
 * A write came with a term older than the partition's, or the partition stopped accepting writes
 * for good because a newer leader took over its WAL stream. {@link #term()} is the newer term (-1
 * when unknown).
 */
public class FencedException extends FloeRequestException {
  /** The term when the newer one is not known (a sealed WAL stream fences every term). */
  public static final long UNKNOWN_TERM = -1;

  private final long term;

  public FencedException(String message, long term) {
    super(ErrorCode.FENCED, message, Long.toString(term));
    this.term = term;
  }

  public long term() {
    return term;
  }
}
