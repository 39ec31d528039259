package io.floe.storage.meta;

/**
 * Outcome of a guarded transaction: {@code committed} is false when a guard did not hold (someone
 * changed a key since it was read). {@code revision} is the store's revision after the call.
 */
public record TxnResult(boolean committed, long revision) {}
