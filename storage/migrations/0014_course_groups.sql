-- Staff run their center's course groups from Telegram: a group may be closed (cancelled as a whole), a session
-- cancelled, and attendance is kept per session and sign-up (a row means: was there).
ALTER TABLE course_groups ADD COLUMN closed_at TEXT;
ALTER TABLE group_sessions ADD COLUMN cancelled_at TEXT;

CREATE TABLE attendance (
    session_id INTEGER NOT NULL REFERENCES group_sessions (id) ON DELETE CASCADE,
    signup_id INTEGER NOT NULL REFERENCES signups (id) ON DELETE CASCADE,
    marked_by INTEGER NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (session_id, signup_id)
);
CREATE INDEX attendance_signup ON attendance (signup_id);
CREATE INDEX reminders_session ON reminders (session_id, status);
