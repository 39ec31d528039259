package io.floe.client.control;

/**
 * A control-plane replica's {@code GET /health} answer.
 *
 * @param status {@code UP} when it serves
 * @param leader whether this replica leads (takes writes)
 */
public record Health(String status, boolean leader) {}
