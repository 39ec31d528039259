package io.floe.core.format;

import java.util.Set;

/**
 * A document carries a {@code format-version} this reader does not know. Readers refuse rather than
 * guess (spec.md §1); the caller needs a newer Floe to read it.
 */
public class UnsupportedFormatVersionException extends FormatException {
  private final String documentKind;
  private final int found;
  private final Set<Integer> supported;

  public UnsupportedFormatVersionException(String documentKind, int found, Set<Integer> supported) {
    super(
        documentKind
            + ": unsupported format-version "
            + found
            + " (supported: "
            + supported
            + "); a newer Floe wrote it");
    this.documentKind = documentKind;
    this.found = found;
    this.supported = Set.copyOf(supported);
  }

  public String documentKind() {
    return documentKind;
  }

  public int found() {
    return found;
  }

  public Set<Integer> supported() {
    return supported;
  }
}
