"""Named, ordered schema migrations of the history store.

Each migration is applied once, in its own transaction, and recorded in `schema_migrations`; running
`migrate()` again (or from two processes at once) is a no-op. Never edit a released migration: append
a new one.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_runs_findings_items", """
CREATE TABLE runs (
    run_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    label             TEXT,
    as_of             TEXT NOT NULL,              -- ISO date: the audit's as-of date
    recorded_at       TEXT NOT NULL,              -- UTC wall clock, for the record only
    tool_version      TEXT,
    rule_pack_version TEXT,
    rule_pack_sha256  TEXT,
    profile_name      TEXT,
    params_json       TEXT NOT NULL,              -- the district parameters in force
    squad_filter_json TEXT,                       -- NULL = every squad was audited
    counts_json       TEXT NOT NULL,              -- findings by severity, cases audited
    n_findings        INTEGER NOT NULL,
    n_new             INTEGER NOT NULL,
    n_persisting      INTEGER NOT NULL,
    n_resolved        INTEGER NOT NULL,
    n_reopened        INTEGER NOT NULL
);
CREATE INDEX runs_order ON runs(as_of, run_id);

CREATE TABLE run_inputs (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id),
    path       TEXT NOT NULL,
    sha256     TEXT,
    table_name TEXT,
    rows       INTEGER
);

CREATE TABLE run_squads (                        -- squads audited by a run, even with no finding
    run_id     INTEGER NOT NULL REFERENCES runs(run_id),
    squad      TEXT NOT NULL,
    cases      INTEGER NOT NULL,
    PRIMARY KEY (run_id, squad)
);

CREATE TABLE findings (
    run_id         INTEGER NOT NULL REFERENCES runs(run_id),
    fingerprint    TEXT NOT NULL,
    rule_id        TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    squad          TEXT NOT NULL,
    theme          TEXT,
    severity       TEXT NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    title_zh       TEXT,
    message_zh     TEXT,
    correction_due TEXT,
    case_source    TEXT,                         -- the case's 案件来源, for the monthly form
    lifecycle      TEXT NOT NULL CHECK (lifecycle IN ('new', 'persisting', 'reopened')),
    PRIMARY KEY (run_id, fingerprint)
);
CREATE INDEX findings_fp ON findings(fingerprint);

CREATE TABLE run_resolved (                      -- items present before and absent from this run
    run_id      INTEGER NOT NULL REFERENCES runs(run_id),
    fingerprint TEXT NOT NULL,
    squad       TEXT NOT NULL,
    PRIMARY KEY (run_id, fingerprint)
);

CREATE TABLE items (                             -- one correction item per fingerprint
    fingerprint    TEXT PRIMARY KEY,
    rule_id        TEXT NOT NULL,
    case_id        TEXT NOT NULL,
    squad          TEXT NOT NULL,
    theme          TEXT,
    severity       TEXT NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    title_zh       TEXT,
    message_zh     TEXT,
    case_source    TEXT,
    status         TEXT NOT NULL CHECK (status IN ('待整改', '整改中', '已销项', '已豁免')),
    due            TEXT,
    present        INTEGER NOT NULL,             -- 1 = found by the latest run that covered its squad
    first_run_id   INTEGER NOT NULL REFERENCES runs(run_id),
    first_as_of    TEXT NOT NULL,
    last_run_id    INTEGER NOT NULL REFERENCES runs(run_id),
    last_as_of     TEXT NOT NULL,
    times_reopened INTEGER NOT NULL DEFAULT 0,
    note           TEXT
);
CREATE INDEX items_squad ON items(squad);

CREATE TABLE item_events (                       -- status history: who, when, what
    event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL REFERENCES items(fingerprint),
    source      TEXT NOT NULL CHECK (source IN ('run', 'import', 'exception')),
    kind        TEXT NOT NULL,                   -- opened, resolved, reopened, status, note, exempted
    run_id      INTEGER REFERENCES runs(run_id),
    on_date     TEXT NOT NULL,                   -- effective date (a run's as-of, an import's date)
    recorded_at TEXT NOT NULL,
    actor       TEXT,
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    due         TEXT,                            -- the due date in force after the event
    note        TEXT,
    detail      TEXT                             -- e.g. the workbook, sheet and row of an import
);
CREATE INDEX item_events_fp ON item_events(fingerprint, event_id);
CREATE INDEX item_events_on ON item_events(on_date);
"""),
    ("0002_runs_rule_filter", """
-- A run restricted to some rules (auditor audit --rule) says nothing about the other rules' items.
ALTER TABLE runs ADD COLUMN rule_filter_json TEXT;
"""),
    ("serve_0001_users_sessions_web_edits", """
-- auditor serve: local accounts, browser sessions, background audits, and edits made on the board.
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('监督', '中队', '领导')),
    squad         TEXT,                          -- required for 中队, NULL otherwise
    password_hash TEXT NOT NULL,                 -- argon2id, PHC string
    created_at    TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,    -- consecutive failures since the last success
    locked_until  TEXT,                          -- UTC, no login before this time
    CHECK ((role = '中队') = (squad IS NOT NULL))
);

CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,               -- the cookie holds the token, the store only its hash
    user_id      INTEGER NOT NULL REFERENCES users(user_id),
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,                  -- absolute expiry
    last_seen    TEXT NOT NULL                   -- idle expiry is counted from here
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_jobs (                        -- audits started from the board
    job_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    started_by  TEXT NOT NULL,
    export_path TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    progress    TEXT,
    message     TEXT,
    run_id      INTEGER REFERENCES runs(run_id),
    created_at  TEXT NOT NULL,
    finished_at TEXT
);

-- Board edits are a fourth event source, and SQLite cannot alter a CHECK: the table is rebuilt.
CREATE TABLE item_events_new (
    event_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    fingerprint TEXT NOT NULL REFERENCES items(fingerprint),
    source      TEXT NOT NULL CHECK (source IN ('run', 'import', 'exception', 'web')),
    kind        TEXT NOT NULL,
    run_id      INTEGER REFERENCES runs(run_id),
    on_date     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT,
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    due         TEXT,
    note        TEXT,
    detail      TEXT,
    evidence    TEXT                             -- short evidence text entered on the board
);
INSERT INTO item_events_new (event_id, fingerprint, source, kind, run_id, on_date, recorded_at, actor, old_status,
                             new_status, due, note, detail)
    SELECT event_id, fingerprint, source, kind, run_id, on_date, recorded_at, actor, old_status, new_status, due,
           note, detail FROM item_events;
DROP TABLE item_events;
ALTER TABLE item_events_new RENAME TO item_events;
CREATE INDEX item_events_fp ON item_events(fingerprint, event_id);
CREATE INDEX item_events_on ON item_events(on_date);
ALTER TABLE items ADD COLUMN evidence TEXT;
"""),
    ("tracking_0001_issued_lists", """
-- Every corrections list handed out (one per squad, and the district workbook), with each item as the
-- store held it then: an import applies only what the squad changed relative to this, never a value
-- it merely copied back (docs/history.md, "Returned corrections workbook").
CREATE TABLE issued_lists (
    list_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER NOT NULL REFERENCES runs(run_id),
    squad      TEXT,                             -- NULL = the district workbook (every squad)
    token      TEXT NOT NULL UNIQUE,             -- written into the workbook: names this list in this store
    issued_at  TEXT NOT NULL,
    file_name  TEXT
);
CREATE TABLE issued_items (
    list_id     INTEGER NOT NULL REFERENCES issued_lists(list_id),
    fingerprint TEXT NOT NULL REFERENCES items(fingerprint),
    status      TEXT NOT NULL,
    note        TEXT,
    due         TEXT,
    PRIMARY KEY (list_id, fingerprint)
);
"""),
    ("undetermined_0001_items", """
-- 无法判定 (数据缺失，待核实) items of each run: the export could not decide them. They are a state of
-- their own: an open item that is undetermined in a later run is neither persisting nor resolved.
CREATE TABLE undetermined (
    run_id      INTEGER NOT NULL REFERENCES runs(run_id),
    fingerprint TEXT NOT NULL,
    rule_id     TEXT NOT NULL,
    case_id     TEXT NOT NULL,
    squad       TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    missing     TEXT NOT NULL,                    -- JSON list of the fields whose values were missing
    PRIMARY KEY (run_id, fingerprint)
);
CREATE INDEX undetermined_fingerprint ON undetermined(fingerprint);
ALTER TABLE runs ADD COLUMN n_undetermined INTEGER NOT NULL DEFAULT 0;
"""),
    ("coverage_0001_run_coverage", """
-- The data coverage of each run (docs/coverage.md): which tables and columns the export supplied, and
-- how many rows carry a value, overall and per squad. Runs recorded before this migration keep
-- coverage_recorded = 0: their coverage was never measured into the store.
CREATE TABLE run_coverage_tables (
    run_id        INTEGER NOT NULL REFERENCES runs(run_id),
    table_name    TEXT NOT NULL,                  -- cases, recordings, disclosures
    position      INTEGER NOT NULL,               -- the catalogue's order
    supplied      INTEGER NOT NULL CHECK (supplied IN (0, 1)),
    rows          INTEGER NOT NULL CHECK (rows >= 0),
    rules_without TEXT NOT NULL DEFAULT '[]',     -- JSON: the rules that read the table when it was not supplied
    PRIMARY KEY (run_id, table_name)
);
CREATE TABLE run_coverage_columns (
    run_id      INTEGER NOT NULL REFERENCES runs(run_id),
    table_name  TEXT NOT NULL,
    field       TEXT NOT NULL,
    position    INTEGER NOT NULL,
    label_zh    TEXT NOT NULL,                    -- kept: a later catalogue may rename the field
    supplied    INTEGER NOT NULL CHECK (supplied IN (0, 1)),
    filled      INTEGER NOT NULL CHECK (filled >= 0),
    empty_means TEXT NOT NULL,                    -- not_done | unrecorded, as the catalogue said then
    PRIMARY KEY (run_id, table_name, field)
);
CREATE TABLE run_coverage_squads (
    run_id     INTEGER NOT NULL REFERENCES runs(run_id),
    squad      TEXT NOT NULL,
    table_name TEXT NOT NULL,
    field      TEXT NOT NULL,
    rows       INTEGER NOT NULL CHECK (rows >= 0),
    filled     INTEGER NOT NULL CHECK (filled >= 0),
    PRIMARY KEY (run_id, squad, table_name, field)
);
ALTER TABLE runs ADD COLUMN coverage_recorded INTEGER NOT NULL DEFAULT 0;
"""),
    ("undetermined_0002_determined", """
-- Findings whose item opens after an earlier run could not decide them (此前无法判定、本次查实): counted
-- apart from n_new, which counts problems never seen before.
ALTER TABLE runs ADD COLUMN n_determined INTEGER NOT NULL DEFAULT 0;
"""),
    ("monthly_0001_runs_case_scope", """
-- A run restricted to some cases (auditor audit --case / --cause) says nothing about other cases' items:
-- the filter as given, and the case ids it audited (NULL = every case of the squads audited).
ALTER TABLE runs ADD COLUMN case_filter_json TEXT;
ALTER TABLE runs ADD COLUMN case_scope_json TEXT;
"""),
]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply every pending migration; returns the names applied now. `conn` must be in autocommit
    mode (isolation_level=None) so that each migration is its own explicit transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
    )
    applied_now = []
    for name, sql in MIGRATIONS:
        if _is_applied(conn, name):
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Checked again under the write lock: another process may have applied it meanwhile.
            if _is_applied(conn, name):
                conn.execute("ROLLBACK")
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                (name,),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # a full disk has rolled back already
                conn.execute("ROLLBACK")
            raise
        applied_now.append(name)
    return applied_now


def _is_applied(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone() is not None


def _statements(sql: str) -> list[str]:
    # executescript() would COMMIT the open transaction; split instead (no ';' inside our literals).
    return [s.strip() for s in sql.split(";") if s.strip() and not _only_comments(s)]


def _only_comments(s: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in s.splitlines())
