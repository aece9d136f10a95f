-- Parents Academy and pre-marital courses: topics, groups and their sessions, sign-ups, reminders.
CREATE TABLE course_topics (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    programme TEXT NOT NULL CHECK (programme IN ('academy', 'premarital')),
    title_kk TEXT NOT NULL,
    title_ru TEXT NOT NULL,
    description_kk TEXT NOT NULL,
    description_ru TEXT NOT NULL
);

CREATE TABLE course_groups (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    topic_id INTEGER NOT NULL REFERENCES course_topics (id),
    center_id INTEGER NOT NULL REFERENCES centers (id),   -- an online group is run by a center too
    online INTEGER NOT NULL DEFAULT 0,
    language TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    seats INTEGER NOT NULL CHECK (seats > 0),
    is_sample INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE group_sessions (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES course_groups (id) ON DELETE CASCADE,
    starts_at TEXT NOT NULL                               -- UTC, ISO 8601
);
CREATE INDEX group_sessions_group ON group_sessions (group_id, starts_at);

CREATE TABLE signups (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES course_groups (id),
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    partner_name TEXT,                                    -- pre-marital bookings: two seats
    partner_user_id INTEGER,
    marriage_date TEXT,
    seats INTEGER NOT NULL CHECK (seats IN (1, 2)),
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    invite_token TEXT UNIQUE,
    created_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE UNIQUE INDEX signups_once ON signups (group_id, user_id) WHERE status != 'cancelled';
CREATE INDEX signups_group ON signups (group_id, status);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    signup_id INTEGER NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
    session_id INTEGER NOT NULL REFERENCES group_sessions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('day', 'hours')),
    due_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'cancelled')),
    UNIQUE (signup_id, session_id, user_id, kind)
);
CREATE INDEX reminders_due ON reminders (status, due_at);
