package io.floe.storage.meta;

/**
 * A change under a watched prefix. For a {@link Type#DELETE} the entry carries the key and the
 * revision of the deletion, and an empty value.
 */
public record WatchEvent(Type type, MetaEntry entry) {
  public enum Type {
    PUT,
    DELETE
  }

  public long revision() {
    return entry.modRevision();
  }
}
