-- Escalation, staff invites, staff groups with forum topics, and saved replies.
ALTER TABLE help_requests ADD COLUMN escalated_at TEXT;

CREATE TABLE staff_invites (
    token TEXT PRIMARY KEY,
    center_id INTEGER NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    created_by INTEGER NOT NULL,
    expires_at TEXT NOT NULL,
    used_by INTEGER,
    used_at TEXT
);

CREATE TABLE center_groups (
    center_id INTEGER PRIMARY KEY REFERENCES centers (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL UNIQUE,
    is_forum INTEGER NOT NULL DEFAULT 0,
    bound_by INTEGER NOT NULL,
    bound_at TEXT NOT NULL
);

CREATE TABLE request_topics (
    request_id INTEGER PRIMARY KEY REFERENCES help_requests (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    thread_id INTEGER NOT NULL
);

CREATE TABLE saved_replies (
    id INTEGER PRIMARY KEY,
    center_id INTEGER NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    locale TEXT NOT NULL CHECK (locale IN ('kk', 'ru')),
    title TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX saved_replies_center ON saved_replies (center_id, locale);
