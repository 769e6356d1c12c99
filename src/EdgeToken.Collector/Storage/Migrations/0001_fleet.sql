-- The fleet: devices with their credentials, every record they sent (once per device and sequence),
-- and the engineers who log in to the dashboard. Written in the SQL both SQLite and PostgreSQL accept:
-- times are Unix milliseconds (BIGINT), booleans are 0/1, binary values are base64 text.
CREATE TABLE devices (
    device_id        TEXT PRIMARY KEY,
    token_salt       TEXT NOT NULL,
    token_hash       TEXT NOT NULL,
    registered_ms    BIGINT NOT NULL,
    revoked_ms       BIGINT NULL,
    last_seen_ms     BIGINT NULL,
    records_received BIGINT NOT NULL DEFAULT 0,
    bytes_received   BIGINT NOT NULL DEFAULT 0,
    batches_received BIGINT NOT NULL DEFAULT 0,
    state            TEXT NULL,
    state_ms         BIGINT NULL,
    agent_version    TEXT NULL
);

CREATE TABLE records (
    device_id    TEXT NOT NULL,
    sequence     BIGINT NOT NULL,
    kind         TEXT NOT NULL,
    time_ms      BIGINT NOT NULL,
    received_ms  BIGINT NOT NULL,
    received_by  TEXT NOT NULL,
    payload      TEXT NOT NULL,
    PRIMARY KEY (device_id, sequence)
);

CREATE TABLE summaries (
    device_id        TEXT NOT NULL,
    sequence         BIGINT NOT NULL,
    pipeline         TEXT NOT NULL,
    from_ms          BIGINT NOT NULL,
    to_ms            BIGINT NOT NULL,
    tokens           BIGINT NOT NULL,
    windows          BIGINT NOT NULL,
    score_min        DOUBLE PRECISION NOT NULL,
    score_mean       DOUBLE PRECISION NOT NULL,
    score_max        DOUBLE PRECISION NOT NULL,
    score_p95        DOUBLE PRECISION NOT NULL,
    seconds_above    DOUBLE PRECISION NOT NULL,
    top_class        TEXT NULL,
    health_problems  BIGINT NOT NULL,
    PRIMARY KEY (device_id, sequence)
);
CREATE INDEX summaries_by_time ON summaries (device_id, to_ms);

CREATE TABLE events (
    device_id     TEXT NOT NULL,
    sequence      BIGINT NOT NULL,
    time_ms       BIGINT NOT NULL,
    pipeline      TEXT NOT NULL,
    label         TEXT NULL,
    score         DOUBLE PRECISION NOT NULL,
    threshold     DOUBLE PRECISION NOT NULL,
    rising        INTEGER NOT NULL,
    context_kind  TEXT NOT NULL,
    context       TEXT NOT NULL,
    PRIMARY KEY (device_id, sequence)
);
CREATE INDEX events_by_time ON events (device_id, time_ms);

-- An alert is raised by a rising event and stays active until an engineer acknowledges it.
CREATE TABLE alerts (
    device_id        TEXT NOT NULL,
    sequence         BIGINT NOT NULL,
    raised_ms        BIGINT NOT NULL,
    pipeline         TEXT NOT NULL,
    label            TEXT NULL,
    score            DOUBLE PRECISION NOT NULL,
    acknowledged_by  TEXT NULL,
    acknowledged_ms  BIGINT NULL,
    ack_comment      TEXT NULL,
    PRIMARY KEY (device_id, sequence)
);
CREATE INDEX alerts_active ON alerts (acknowledged_ms);

CREATE TABLE users (
    user_name      TEXT PRIMARY KEY,
    password_salt  TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    iterations     INTEGER NOT NULL,
    created_ms     BIGINT NOT NULL
);
