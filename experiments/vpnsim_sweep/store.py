"""The result store: one SQLite file, one row per run, keyed by the run's canonical flags.

Each result is committed in its own transaction, and the key is UNIQUE with INSERT OR IGNORE, so
a sweep killed at any moment (even kill -9) keeps every result it committed, loses only runs in
flight, and a rerun or a merge never duplicates a row. Several sweeps on one store share the
work: a run is claimed in the store before it starts (the claims table), a run claimed by a
live process is left to it, and the claim goes with the result, in the same transaction. A
claim whose process has died (kill -9) is taken over. The main store uses WAL so `status` and
`plot` can read while a sweep writes. Shards (one per SLURM task, see slurm.py) use a rollback
journal instead, because WAL needs shared memory that network filesystems do not provide.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from pathlib import Path

from .keys import config_key, run_key

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    id                INTEGER PRIMARY KEY,
    key               TEXT NOT NULL UNIQUE,  -- canonical JSON of every flag, seed included
    config            TEXT NOT NULL,         -- the same without loss and seed: the curve
    encap             TEXT,
    asa               TEXT,
    loss              REAL,
    seed              INTEGER,
    duration_s        REAL,
    failed            INTEGER NOT NULL,
    time_to_failure_s REAL,
    cause             TEXT,
    inner_goodput_bps REAL,
    record            TEXT NOT NULL,         -- vpnsim-run's line, byte for byte
    runner_path       TEXT NOT NULL,
    runner_version    TEXT NOT NULL,
    wall_s            REAL,
    host              TEXT,
    finished_at       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL,
    exit_code   INTEGER,
    message     TEXT NOT NULL,
    runner_path TEXT,
    host        TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS errors_key ON errors(key);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS claims (
    key      TEXT PRIMARY KEY,               -- a run some process is running now
    claimant TEXT NOT NULL,                  -- host:pid:process start time
    at       REAL NOT NULL                   -- time.time() of the claim
);
"""
# A claim from another host cannot be checked for life; after this long it is taken as dead.
FOREIGN_CLAIM_S = 24 * 3600

RESULT_COLUMNS = ("key", "config", "encap", "asa", "loss", "seed", "duration_s", "failed",
                  "time_to_failure_s", "cause", "inner_goodput_bps", "record", "runner_path",
                  "runner_version", "wall_s", "host", "finished_at")


_LABEL = "label:"  # meta rows "label:<configuration key>" hold the sweep file's labels


class StoreError(Exception):
    pass


class Store:
    def __init__(self, path, shard: bool = False, create: bool = True):
        self.path = Path(path)
        self.db = None
        allowed = "allowed: an SQLite file written by vpnsim-sweep, in a writable directory"
        if self.path.is_dir():
            raise StoreError(f"store {self.path}: is a directory; {allowed}")
        if self.path.exists() and not self.path.is_file():
            raise StoreError(f"store {self.path}: not a regular file; {allowed}")
        if not create and not self.path.is_file():
            raise StoreError(f"store {self.path}: no such file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open(shard)
        except (sqlite3.Error, OSError, StoreError) as e:
            if self.db is not None:
                self.db.close()
                self.db = None
            if isinstance(e, StoreError):
                raise
            raise StoreError(f"store {self.path}: cannot be used ({_reason(e)}); {allowed}") from None
        self.host = socket.gethostname()
        self.claimant = f"{self.host}:{os.getpid()}:{_start_time(os.getpid())}"

    def _open(self, shard: bool) -> None:
        # isolation_level=None: we open and commit every transaction ourselves.
        self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 60000")
        # Another program's database is refused before anything is written into it.
        tables = {n for (n,) in self.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "results" not in tables:
            raise sqlite3.DatabaseError(f"another program's database (tables {', '.join(sorted(tables))})")
        mode = "DELETE" if shard else "WAL"
        got = self.db.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0]
        if got.upper() != mode:
            raise StoreError(f"store {self.path}: cannot use journal mode {mode} (got {got})")
        # FULL: a committed result survives a power cut too, not only a killed process.
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.executescript(_SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        version = self.db.execute("SELECT value FROM meta WHERE name='schema_version'").fetchone()[0]
        if version != str(SCHEMA_VERSION):
            raise StoreError(f"store {self.path}: schema version {version}, this tool reads {SCHEMA_VERSION}")


    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writing -------------------------------------------------------------------------------

    def add(self, flags: dict, line: str, record: dict, runner_path: str, runner_version: str,
            wall_s: float | None = None) -> bool:
        """Stores one result in one transaction. False if the run was already there."""
        row = (run_key(flags), config_key(flags), flags.get("encap"), flags.get("asa"),
               flags.get("loss"), flags.get("seed"), flags.get("duration"),
               int(bool(record["failed"])), _number(record.get("time_to_failure_s")),
               record.get("cause"), _number(record.get("inner_goodput_bps")), line,
               str(runner_path), runner_version, wall_s, self.host, _now())
        with self._transaction():
            cur = self.db.execute(
                f"INSERT OR IGNORE INTO results ({', '.join(RESULT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(RESULT_COLUMNS))})", row)
            added = cur.rowcount == 1
            self._unclaim(row[0])
        return added

    def add_error(self, key: str, message: str, exit_code: int | None, runner_path: str) -> None:
        with self._transaction():
            self.db.execute("INSERT INTO errors (key, exit_code, message, runner_path, host, at) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            (key, exit_code, message, str(runner_path), self.host, _now()))
            self._unclaim(key)

    # -- sharing the work ----------------------------------------------------------------------

    def claim(self, key: str) -> str:
        """Claims a run for this process: "claimed", or "done" (a result is stored), or
        "busy" (a live process has claimed it)."""
        with self._transaction():
            if self.db.execute("SELECT 1 FROM results WHERE key = ?", (key,)).fetchone():
                return "done"
            row = self.db.execute("SELECT claimant, at FROM claims WHERE key = ?", (key,)).fetchone()
            if row and row[0] != self.claimant and self._alive(*row):
                return "busy"
            self.db.execute("INSERT OR REPLACE INTO claims (key, claimant, at) VALUES (?, ?, ?)",
                            (key, self.claimant, time.time()))
            return "claimed"

    def release(self, keys) -> None:
        """Gives up claims on runs this process will not finish (an interrupted sweep)."""
        with self._transaction():
            for key in keys:
                self._unclaim(key)

    def has(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM results WHERE key = ?", (key,)).fetchone() is not None

    def _unclaim(self, key: str) -> None:
        self.db.execute("DELETE FROM claims WHERE key = ? AND claimant = ?", (key, self.claimant))

    def _alive(self, claimant: str, at: float) -> bool:
        host, pid, started = claimant.rsplit(":", 2)
        if host != self.host:
            return time.time() - at < FOREIGN_CLAIM_S
        # The same pid and start time: that process, not a later one that reuses its pid.
        return started != "?" and _start_time(int(pid)) == started

    def merge_from(self, other: Path) -> int:
        """Copies another store's (a shard's) results and errors in one transaction; rows whose
        key is already here are skipped. Returns how many results were new."""
        self.db.execute("ATTACH DATABASE ? AS other", (str(other),))
        try:
            with self._transaction():
                before = self.count()
                cols = ", ".join(RESULT_COLUMNS)
                self.db.execute(f"INSERT OR IGNORE INTO main.results ({cols}) "
                                f"SELECT {cols} FROM other.results ORDER BY id")
                # An error row is history, not a result: copy those not copied before.
                self.db.execute(
                    "INSERT INTO main.errors (key, exit_code, message, runner_path, host, at) "
                    "SELECT o.key, o.exit_code, o.message, o.runner_path, o.host, o.at "
                    "FROM other.errors o WHERE NOT EXISTS (SELECT 1 FROM main.errors m WHERE "
                    "m.key = o.key AND m.at = o.at AND m.host IS o.host AND m.message = o.message)")
                added = self.count() - before
        finally:
            self.db.execute("DETACH DATABASE other")
        return added

    def _transaction(self):
        return _Transaction(self.db)

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0]

    def keys(self) -> set[str]:
        return {k for (k,) in self.db.execute("SELECT key FROM results")}

    def records(self, keys: set[str] | None = None) -> list[dict]:
        """Every stored run as {"flags": ..., "record": ..., plus the store's columns}."""
        out = []
        for row in self.db.execute(f"SELECT {', '.join(RESULT_COLUMNS)} FROM results ORDER BY id"):
            r = dict(zip(RESULT_COLUMNS, row))
            if keys is not None and r["key"] not in keys:
                continue
            r["flags"] = json.loads(r["key"])
            r["record"] = json.loads(r["record"])
            out.append(r)
        return out

    def lines(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, record FROM results"))

    def errors(self, unresolved_only: bool = True) -> list[dict]:
        q = "SELECT key, exit_code, message, runner_path, host, at FROM errors"
        if unresolved_only:
            q += " WHERE key NOT IN (SELECT key FROM results)"
        cols = ("key", "exit_code", "message", "runner_path", "host", "at")
        return [dict(zip(cols, row)) for row in self.db.execute(q + " ORDER BY id")]

    def set_labels(self, labels: dict[str, str]) -> None:
        """Remembers the sweep file's series labels (configuration key -> label), so that
        `plot` and `export` name the series as the sweep file did even without --sweep."""
        with self._transaction():
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                [(_LABEL + k, v) for k, v in labels.items()])

    def labels(self) -> dict[str, str]:
        return {name[len(_LABEL):]: value for name, value in self.db.execute(
            "SELECT name, value FROM meta WHERE name LIKE ?", (_LABEL + "%",))}

    def runner_versions(self) -> dict[str, int]:
        return dict(self.db.execute(
            "SELECT runner_version, COUNT(*) FROM results GROUP BY runner_version"))


class _Transaction:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *_):
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (proc(5), stat field 22), or "?"."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
        return stat[stat.rindex(")") + 2:].split()[19]
    except (OSError, ValueError, IndexError):
        return "?"


def _reason(e: Exception) -> str:
    if isinstance(e, sqlite3.DatabaseError) and "not a database" in str(e):
        return "not an SQLite database, or a damaged one"
    return str(e) if not isinstance(e, OSError) else (e.strerror or str(e))


def _number(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
