"""Versioned schema migrations. Each runs once; running them again changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsat.store.base import Store

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

MIGRATIONS.append(
    (
        7,
        """
        CREATE TABLE audit_chain (
            seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref TEXT NOT NULL,
            form INTEGER NOT NULL, payload TEXT, link TEXT NOT NULL
        );
        CREATE INDEX audit_chain_ref ON audit_chain(kind, ref, seq);
        INSERT INTO audit_chain (seq, kind, ref, form, payload, link)
            SELECT seq, 'result', attempt_id || ' ' || competency_id, 1, NULL, link
            FROM result_chain ORDER BY seq;
        DROP TABLE result_chain;
        CREATE TABLE supersessions (
            old_attempt TEXT PRIMARY KEY REFERENCES attempts(id),
            new_attempt TEXT NOT NULL REFERENCES attempts(id),
            at TEXT NOT NULL, by TEXT NOT NULL, reason TEXT NOT NULL
        );
        ALTER TABLE attempts ADD COLUMN mode TEXT NOT NULL DEFAULT 'fixed';
        ALTER TABLE attempts ADD COLUMN feedback TEXT NOT NULL DEFAULT 'practice';
        ALTER TABLE attempts ADD COLUMN params_upto INTEGER;
        ALTER TABLE attempts ADD COLUMN pool TEXT;
        ALTER TABLE attempts ADD COLUMN superseded_by TEXT;
        ALTER TABLE responses ADD COLUMN pretest INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE responses ADD COLUMN variant INTEGER;
        ALTER TABLE results ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE results ADD COLUMN theta REAL;
        ALTER TABLE results ADD COLUMN se REAL;
        ALTER TABLE results ADD COLUMN level INTEGER;
        ALTER TABLE results ADD COLUMN p_proficient REAL;
        ALTER TABLE results ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
        DROP INDEX results_person;
        CREATE INDEX results_person
          ON results(employee_id, competency_id, submitted_local, proficient, percent,
                     p_proficient) WHERE superseded = 0;
        CREATE TABLE area_results (
            attempt_id TEXT NOT NULL REFERENCES attempts(id), area_id TEXT NOT NULL,
            employee_id TEXT NOT NULL, submitted_local TEXT NOT NULL,
            theta REAL, se REAL, level INTEGER, band TEXT, proficient INTEGER NOT NULL,
            p_proficient REAL, items INTEGER NOT NULL, provisional INTEGER NOT NULL DEFAULT 0,
            superseded INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (attempt_id, area_id)
        );
        CREATE INDEX area_results_person
          ON area_results(employee_id, area_id, submitted_local, proficient, p_proficient)
          WHERE superseded = 0;
        INSERT INTO area_results (attempt_id, area_id, employee_id, submitted_local,
                                  proficient, p_proficient, items, provisional)
            SELECT r.attempt_id, c.area_id, r.employee_id, r.submitted_local,
                   MIN(r.proficient), MIN(r.proficient), COUNT(*), 1
            FROM results r JOIN attempts a ON a.id = r.attempt_id
            JOIN competencies c ON c.id = r.competency_id AND c.framework_id = a.framework_id
            WHERE a.scope_kind IN ('area', 'full') AND r.employee_id IS NOT NULL
            GROUP BY r.attempt_id, c.area_id;
        CREATE TABLE calibrations (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, by TEXT NOT NULL, area_id TEXT NOT NULL,
            persons INTEGER NOT NULL, items INTEGER NOT NULL, anchors INTEGER NOT NULL,
            summary TEXT NOT NULL
        );
        CREATE TABLE item_params (
            id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, version INTEGER NOT NULL,
            model TEXT NOT NULL, a REAL NOT NULL, b REAL NOT NULL, steps TEXT,
            source TEXT NOT NULL CHECK (source IN ('prior', 'calibrated')),
            calibration_id INTEGER REFERENCES calibrations(id), n INTEGER, fit TEXT,
            created_at TEXT NOT NULL,
            FOREIGN KEY (item_id, version) REFERENCES items(item_id, version)
        );
        CREATE INDEX item_params_item ON item_params(item_id, version, id);
        CREATE TABLE item_exposure (
            item_id TEXT NOT NULL, version INTEGER NOT NULL, shown INTEGER NOT NULL,
            PRIMARY KEY (item_id, version)
        );
        CREATE TABLE sim_truth (
            employee_id TEXT NOT NULL, area_id TEXT NOT NULL, period TEXT NOT NULL,
            theta REAL NOT NULL, PRIMARY KEY (employee_id, area_id, period)
        );
        ALTER TABLE sitting_codes ADD COLUMN issued_to TEXT;
        ALTER TABLE sittings ADD COLUMN feedback TEXT NOT NULL DEFAULT 'assessment';
        ALTER TABLE sign_ins ADD COLUMN subject TEXT;
        CREATE INDEX sign_ins_subject ON sign_ins(subject, at)
        """,
    )
)

LATEST = MIGRATIONS[-1][0]


def current_version(store: Store) -> int:
    return int(store.pragma("user_version"))


def migrate(store: Store) -> int:
    """Apply pending migrations inside the caller's unit of work; returns the new version."""
    version = current_version(store)
    if version > LATEST:
        from dsat.store.errors import StoreError

        raise StoreError(
            f"the database was made by a newer dsat (schema {version}, this one knows "
            f"{LATEST}): upgrade dsat"
        )
    for number, sql in MIGRATIONS:
        if number <= version:
            continue
        for statement in sql.split(";"):
            if statement.strip():
                store.write(statement)
        store.write(f"PRAGMA user_version = {number}")
        version = number
    return version
