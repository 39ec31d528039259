package io.floe.storage.object;

/** What the store knows of one object: its key (relative to the store's root), size and ETag. */
public record ObjectInfo(String key, long size, String etag) {}
