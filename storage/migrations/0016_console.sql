-- The coordinators' web console: one-time sign-in links (sent by /console) and the browser sessions they open.
-- Only SHA-256 hashes of the secrets are stored: a copy of the database lets no one in.
CREATE TABLE console_tokens (
    token_hash TEXT PRIMARY KEY,
    admin_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX console_tokens_expiry ON console_tokens (expires_at);

CREATE TABLE console_sessions (
    session_hash TEXT PRIMARY KEY,
    admin_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
