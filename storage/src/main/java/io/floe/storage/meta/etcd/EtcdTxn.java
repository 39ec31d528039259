package io.floe.storage.meta.etcd;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.floe.storage.meta.Lease;
import io.floe.storage.meta.MetaTxn;
import io.floe.storage.meta.TxnResult;
import java.util.ArrayList;
import java.util.List;

/** A guarded etcd transaction built up by {@link MetaTxn}'s calls and sent once at commit. */
final class EtcdTxn implements MetaTxn {
  private final KV kv;
  private final EtcdCalls calls;
  private final List<Cmp> guards = new ArrayList<>();
  private final List<Op> writes = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();

  EtcdTxn(KV kv, EtcdCalls calls) {
    this.kv = kv;
    this.calls = calls;
  }

  @Override
  public MetaTxn ifModRevision(String key, long modRevision) {
    guards.add(new Cmp(Bytes.of(key), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)));
    keys.add(key);
    return this;
  }

  @Override
  public MetaTxn ifAbsent(String key) {
    guards.add(new Cmp(Bytes.of(key), Cmp.Op.EQUAL, CmpTarget.version(0)));
    keys.add(key);
    return this;
  }

  @Override
  public MetaTxn put(String key, byte[] value) {
    writes.add(Op.put(Bytes.of(key), Bytes.of(value), PutOption.DEFAULT));
    keys.add(key);
    return this;
  }

  @Override
  public MetaTxn put(String key, byte[] value, Lease lease) {
    PutOption option = PutOption.builder().withLeaseId(lease.id()).build();
    writes.add(Op.put(Bytes.of(key), Bytes.of(value), option));
    keys.add(key);
    return this;
  }

  @Override
  public MetaTxn delete(String key) {
    writes.add(Op.delete(Bytes.of(key), DeleteOption.DEFAULT));
    keys.add(key);
    return this;
  }

  @Override
  public TxnResult commit() {
    TxnResponse response =
        calls.await(
            kv.txn().If(guards.toArray(Cmp[]::new)).Then(writes.toArray(Op[]::new)).commit(),
            "txn on " + keys);
    return new TxnResult(response.isSucceeded(), response.getHeader().getRevision());
  }
}
