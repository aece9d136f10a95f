-- A request remembers the draft it was sent from: the database refuses a second request from the same draft,
-- so a double tap on "Send" stores one request and tells staff once.
ALTER TABLE help_requests ADD COLUMN draft_id TEXT;
CREATE UNIQUE INDEX help_requests_draft ON help_requests (user_id, draft_id);

-- Blocked senders outlive the person's erasure: the block is kept under a keyed hash of the Telegram id
-- (HMAC-SHA256 with the key below), and the id itself only until the person asks to be forgotten.
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO app_secrets (name, value) VALUES ('sender_key', lower(hex(randomblob(32))));

CREATE TABLE blocked_senders_v2 (
    id INTEGER PRIMARY KEY,
    user_id INTEGER UNIQUE,          -- NULL once the person erased their data
    sender_key TEXT UNIQUE,          -- set when blocked (rows from before this migration get it on erasure)
    blocked_by INTEGER NOT NULL,
    request_id INTEGER,
    blocked_at TEXT NOT NULL,
    CHECK (user_id IS NOT NULL OR sender_key IS NOT NULL)
);
INSERT INTO blocked_senders_v2 (user_id, blocked_by, request_id, blocked_at)
    SELECT user_id, blocked_by, request_id, blocked_at FROM blocked_senders;
DROP TABLE blocked_senders;
ALTER TABLE blocked_senders_v2 RENAME TO blocked_senders;
