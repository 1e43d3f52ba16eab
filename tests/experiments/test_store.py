"""The result store: one row per run key, atomic and idempotent writes, shards that merge."""

import json

from vpnsim_sweep.keys import config_key, run_key
from vpnsim_sweep.store import Store

FLAGS = {"encap": "ctcp", "asa": "proxy", "loss": 0.01, "loss-model": "bernoulli",
         "duration": 60, "seed": 1}


def record(failed=False, **extra):
    r = {"encap": "ctcp", "asa": "proxy", "loss": 0.01, "seed": 1, "duration_s": 60,
         "failed": failed, "time_to_failure_s": 42.0 if failed else None,
         "cause": "client-dpd" if failed else None, "inner_goodput_bps": 100.0}
    r.update(extra)
    return r


def add(store, flags=FLAGS, **kw):
    rec = record(**kw)
    return store.add(flags, json.dumps(rec, separators=(",", ":")), rec, "/bin/runner", "v1", 0.5)


def test_the_key_is_canonical_json_of_every_flag_with_the_seed():
    assert run_key(FLAGS) == ('{"asa":"proxy","duration":60,"encap":"ctcp","loss":0.01,'
                              '"loss-model":"bernoulli","seed":1}')
    shuffled = dict(reversed(list(FLAGS.items())))
    assert run_key({**shuffled, "duration": 60.0}) == run_key(FLAGS)
    assert run_key({**FLAGS, "seed": 2}) != run_key(FLAGS)
    assert config_key(FLAGS) == config_key({**FLAGS, "seed": 9, "loss": 0.5})
    assert config_key(FLAGS) != config_key({**FLAGS, "asa": "bypass"})


def test_a_duplicate_result_is_ignored_and_the_first_one_kept(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        assert add(store, failed=True)
        assert not add(store, failed=False)
        assert store.count() == 1
        assert store.records()[0]["record"]["failed"] is True


def test_the_store_keeps_the_raw_line_and_the_runner(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        line = '{"failed":false,"seed":1,  "extra":[1,2]}'
        store.add(FLAGS, line, json.loads(line), "/opt/vpnsim-run", "vpnsim-run 0.1 sha256:ab", 1.0)
        (r,) = store.records()
        assert r["flags"] == FLAGS
        assert store.lines() == {run_key(FLAGS): line}
        assert (r["runner_path"], r["runner_version"]) == ("/opt/vpnsim-run", "vpnsim-run 0.1 sha256:ab")


def test_the_main_store_uses_wal_and_a_shard_a_rollback_journal(tmp_path):
    with Store(tmp_path / "main.sqlite") as main, Store(tmp_path / "shard.sqlite", shard=True) as shard:
        assert main.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert shard.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_merging_shards_twice_adds_each_result_once(tmp_path):
    with Store(tmp_path / "a.sqlite", shard=True) as a:
        add(a, {**FLAGS, "seed": 1})
        add(a, {**FLAGS, "seed": 2})
        a.add_error(run_key({**FLAGS, "seed": 3}), "exit status 3: boom", 3, "/bin/runner")
    with Store(tmp_path / "b.sqlite", shard=True) as b:
        add(b, {**FLAGS, "seed": 2})
        add(b, {**FLAGS, "seed": 3})
    with Store(tmp_path / "main.sqlite") as main:
        add(main, {**FLAGS, "seed": 1})
        assert main.merge_from(tmp_path / "a.sqlite") == 1
        assert main.merge_from(tmp_path / "b.sqlite") == 1
        assert main.merge_from(tmp_path / "a.sqlite") == 0
        assert main.count() == 3
        assert len(main.keys()) == 3
        # Seed 3 failed in one shard and succeeded in another: it is not an open error.
        assert main.errors() == []
        assert len(main.errors(unresolved_only=False)) == 1


def test_errors_are_kept_apart_from_results(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.add_error(run_key(FLAGS), "exit status 2: --loss=2: allowed [0, 1)", 2, "/bin/runner")
        assert store.count() == 0
        (e,) = store.errors()
        assert e["exit_code"] == 2 and "--loss=2" in e["message"]
        add(store)
        assert store.errors() == []
