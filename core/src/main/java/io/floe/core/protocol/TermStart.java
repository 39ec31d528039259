package io.floe.core.protocol;

/**
 * One step of a replica's term history ({@code replication.md} §1): term {@code term} began after
 * the entry at {@code startOffset}, so its entries are the ones above it (up to the next term's
 * start).
 */
public record TermStart(long term, long startOffset) {}
