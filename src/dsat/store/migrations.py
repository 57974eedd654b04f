"""Versioned schema migrations. Each runs once; running them again changes nothing."""

from __future__ import annotations

import sqlite_utils

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE frameworks (
            id TEXT PRIMARY KEY, version TEXT NOT NULL, sha256 TEXT, data TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE areas (
            framework_id TEXT NOT NULL REFERENCES frameworks(id), id TEXT NOT NULL,
            position INTEGER NOT NULL, name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            PRIMARY KEY (framework_id, id)
        );
        CREATE TABLE competencies (
            framework_id TEXT NOT NULL REFERENCES frameworks(id), id TEXT NOT NULL,
            area_id TEXT NOT NULL, position INTEGER NOT NULL,
            name_vi TEXT NOT NULL, name_en TEXT NOT NULL,
            PRIMARY KEY (framework_id, id)
        );
        CREATE TABLE banks (
            id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,
            imported_at TEXT NOT NULL, imported_by TEXT NOT NULL,
            added INTEGER NOT NULL, changed INTEGER NOT NULL, retired INTEGER NOT NULL
        );
        CREATE INDEX banks_path ON banks(path, id);
        CREATE TABLE items (
            item_id TEXT NOT NULL, version INTEGER NOT NULL, content_hash TEXT NOT NULL,
            competency_id TEXT NOT NULL, area_id TEXT, level INTEGER NOT NULL,
            type TEXT NOT NULL, languages TEXT NOT NULL, data TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
            source TEXT NOT NULL, bank_id INTEGER REFERENCES banks(id),
            created_at TEXT NOT NULL,
            PRIMARY KEY (item_id, version)
        );
        CREATE INDEX items_active ON items(status, competency_id);
        CREATE INDEX items_source ON items(source, status);
        CREATE TABLE units (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
            parent_id INTEGER REFERENCES units(id)
        );
        CREATE TABLE candidates (
            employee_id TEXT PRIMARY KEY, full_name TEXT NOT NULL,
            unit_id INTEGER NOT NULL REFERENCES units(id),
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE TABLE attempts (
            id TEXT PRIMARY KEY,
            employee_id TEXT NOT NULL REFERENCES candidates(employee_id),
            framework_id TEXT NOT NULL, scope_kind TEXT NOT NULL, scope_id TEXT NOT NULL,
            form_seed INTEGER NOT NULL, lang TEXT NOT NULL,
            started_at TEXT NOT NULL, deadline TEXT NOT NULL, submitted_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted', 'expired')),
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX attempts_candidate ON attempts(employee_id, status, started_at);
        CREATE TABLE responses (
            attempt_id TEXT NOT NULL REFERENCES attempts(id), position INTEGER NOT NULL,
            item_id TEXT NOT NULL, item_version INTEGER NOT NULL,
            competency_id TEXT NOT NULL, presentation TEXT,
            answer TEXT, answered_at TEXT, flagged INTEGER NOT NULL DEFAULT 0,
            score REAL, max_score REAL,
            PRIMARY KEY (attempt_id, position),
            FOREIGN KEY (item_id, item_version) REFERENCES items(item_id, version)
        );
        CREATE TABLE results (
            attempt_id TEXT NOT NULL REFERENCES attempts(id), competency_id TEXT NOT NULL,
            raw REAL NOT NULL, max REAL NOT NULL, percent REAL NOT NULL, band TEXT NOT NULL,
            proficient INTEGER NOT NULL, self_band TEXT,
            PRIMARY KEY (attempt_id, competency_id)
        );
        CREATE INDEX results_competency ON results(competency_id, band);
        """,
    ),
    (
        2,
        """
        CREATE TABLE staff (
            employee_id TEXT PRIMARY KEY, full_name TEXT NOT NULL,
            unit_path TEXT NOT NULL, province TEXT NOT NULL, position TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1, simulated INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX staff_unit ON staff(unit_path);
        ALTER TABLE attempts ADD COLUMN origin TEXT NOT NULL DEFAULT 'app';
        ALTER TABLE attempts ADD COLUMN external_key TEXT;
        ALTER TABLE attempts ADD COLUMN external_sha TEXT;
        CREATE UNIQUE INDEX attempts_external ON attempts(external_key)
            WHERE external_key IS NOT NULL;
        CREATE INDEX attempts_submitted ON attempts(status, submitted_at);
        ALTER TABLE results ADD COLUMN employee_id TEXT;
        ALTER TABLE results ADD COLUMN submitted_local TEXT;
        UPDATE results SET
          employee_id = (SELECT a.employee_id FROM attempts a WHERE a.id = results.attempt_id),
          submitted_local = (
            SELECT strftime('%Y-%m-%dT%H:%M:%f+07:00', a.submitted_at, '+7 hours')
            FROM attempts a WHERE a.id = results.attempt_id);
        CREATE INDEX results_person
          ON results(employee_id, competency_id, submitted_local, proficient, percent)
        """,
    ),
    (
        3,
        """
        CREATE TABLE accounts (
            username TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('trainer', 'admin')),
            password_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE TABLE sign_ins (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, username TEXT NOT NULL,
            ok INTEGER NOT NULL, reason TEXT NOT NULL
        );
        CREATE INDEX sign_ins_user ON sign_ins(username, at)
        """,
    ),
    (
        4,
        """
        CREATE TABLE result_chain (
            seq INTEGER PRIMARY KEY, attempt_id TEXT NOT NULL, competency_id TEXT NOT NULL,
            link TEXT NOT NULL, UNIQUE (attempt_id, competency_id)
        )
        """,
    ),
    (
        5,
        """
        CREATE TABLE sittings (
            id INTEGER PRIMARY KEY, unit TEXT NOT NULL, opened_at TEXT NOT NULL,
            closes_at TEXT NOT NULL, closed_at TEXT, opened_by TEXT NOT NULL
        );
        CREATE TABLE sitting_codes (
            code TEXT PRIMARY KEY, sitting_id INTEGER NOT NULL REFERENCES sittings(id),
            employee_id TEXT, used_at TEXT
        )
        """,
    ),
    (
        6,
        """
        CREATE TABLE attempt_leases (
            attempt_id TEXT PRIMARY KEY REFERENCES attempts(id), session TEXT NOT NULL,
            host TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )
        """,
    ),
]

LATEST = MIGRATIONS[-1][0]


def current_version(db: sqlite_utils.Database) -> int:
    return db.conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply pending migrations inside the caller's transaction; returns the new version."""
    version = current_version(db)
    for number, sql in MIGRATIONS:
        if number <= version:
            continue
        for statement in sql.split(";"):
            if statement.strip():
                db.conn.execute(statement)
        db.conn.execute(f"PRAGMA user_version = {number}")
        version = number
    return version
