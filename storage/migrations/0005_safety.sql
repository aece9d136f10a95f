-- Safety and privacy: the messages of each private chat (for the quick exit), consents per purpose,
-- safe-contact wishes, anonymisation, structured opening hours, crisis centers and blocked senders.
CREATE TABLE chat_messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX chat_messages_at ON chat_messages (at);

CREATE TABLE consents (
    user_id INTEGER NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('help_request', 'course_signup', 'reminders')),
    version TEXT NOT NULL,
    given_at TEXT NOT NULL,
    withdrawn_at TEXT,
    PRIMARY KEY (user_id, purpose)
);

ALTER TABLE help_requests ADD COLUMN safe_contact TEXT;
ALTER TABLE help_requests ADD COLUMN anonymized_at TEXT;

ALTER TABLE centers ADD COLUMN schedule TEXT NOT NULL DEFAULT '';
ALTER TABLE centers ADD COLUMN holidays TEXT NOT NULL DEFAULT '';

CREATE TABLE crisis_centers (
    region TEXT PRIMARY KEY,
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    phone TEXT NOT NULL,
    is_sample INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE blocked_senders (
    user_id INTEGER PRIMARY KEY,
    blocked_by INTEGER NOT NULL,
    request_id INTEGER,
    blocked_at TEXT NOT NULL
);
