package io.floe.client;

/**
 * What a delete did: the offset it got in its partition, and whether a row existed under the key (a
 * delete of an absent key still takes an offset).
 */
public record DeleteResult(long offset, boolean existed) {}
