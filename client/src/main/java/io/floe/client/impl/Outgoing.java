package io.floe.client.impl;

import io.floe.core.protocol.Request;
import io.floe.core.protocol.Response;
import java.util.concurrent.CompletableFuture;

/** A request queued for a connection's next write burst. */
record Outgoing(Request request, long deadlineNanos, CompletableFuture<Response> future) {}
