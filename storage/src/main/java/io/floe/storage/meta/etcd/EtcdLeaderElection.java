package io.floe.storage.meta.etcd;

import io.etcd.jetcd.Election;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.election.LeaderKey;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.floe.storage.meta.LeaderElection;
import io.floe.storage.meta.Leadership;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaStore;
import io.floe.storage.meta.MetaWatch;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * etcd's election service under one key: candidates are keys {@code {election}/{lease}} created
 * under their leases; the oldest one leads. Observing reads that oldest key after every change.
 */
final class EtcdLeaderElection implements LeaderElection {
  private final String electionKey;
  private final Election elections;
  private final KV kv;
  private final EtcdCalls calls;
  private final MetaStore store;
  private final Executor callbacks;

  EtcdLeaderElection(
      String electionKey,
      Election elections,
      KV kv,
      EtcdCalls calls,
      MetaStore store,
      Executor callbacks) {
    this.electionKey = electionKey;
    this.elections = elections;
    this.kv = kv;
    this.calls = calls;
    this.store = store;
    this.callbacks = callbacks;
  }

  @Override
  public CompletableFuture<Leadership> campaign(String candidate, Lease lease, Runnable onLost) {
    CompletableFuture<io.etcd.jetcd.election.CampaignResponse> call =
        elections.campaign(Bytes.of(electionKey), lease.id(), Bytes.of(candidate));
    CompletableFuture<Leadership> won =
        call.handleAsync(
            (response, failure) -> {
              if (failure != null) {
                throw calls.translate(failure, "campaign for " + electionKey + " as " + candidate);
              }
              return elected(candidate, response.getLeader(), lease, onLost);
            },
            callbacks);
    won.whenComplete((ok, failure) -> call.cancel(true));
    return won;
  }

  @Override
  public Optional<String> leader() {
    GetOption oldestFirst =
        GetOption.builder()
            .isPrefix(true)
            .withSortField(GetOption.SortTarget.CREATE)
            .withSortOrder(GetOption.SortOrder.ASCEND)
            .withLimit(1)
            .build();
    GetResponse response =
        calls.await(kv.get(Bytes.of(candidatesPrefix()), oldestFirst), "leader of " + electionKey);
    return response.getKvs().stream()
        .findFirst()
        .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
  }

  @Override
  public MetaWatch observe(Consumer<Optional<String>> onChange) {
    return LeaderObserver.start(this, store, candidatesPrefix(), onChange);
  }

  String candidatesPrefix() {
    return electionKey + "/";
  }

  private Leadership elected(String candidate, LeaderKey key, Lease lease, Runnable onLost) {
    EtcdLeadership leadership =
        new EtcdLeadership(candidate, key, elections, calls, onLost, callbacks);
    lease.whenLost(() -> leadership.lost("its lease was lost"));
    leadership.watchOwnKey(store);
    return leadership;
  }
}
