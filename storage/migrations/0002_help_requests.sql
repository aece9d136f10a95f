-- Help requests, the staff who answer them, the outbox that delivers every notice, and the audit log.
CREATE TABLE staff (
    user_id INTEGER NOT NULL,
    center_id INTEGER NOT NULL REFERENCES centers (id) ON DELETE CASCADE,
    added_at TEXT NOT NULL,
    blocked_bot INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, center_id)
);

CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    user_id INTEGER,                       -- the person; kept for anonymous requests too, never shown to staff
    center_id INTEGER NOT NULL REFERENCES centers (id),
    category TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'in_progress', 'resolved', 'transferred', 'spam')),
    urgent INTEGER NOT NULL DEFAULT 0,
    contact_method TEXT NOT NULL CHECK (contact_method IN ('telegram', 'phone', 'anonymous')),
    contact_name TEXT,
    phone TEXT,
    locale TEXT NOT NULL,
    assignee_id INTEGER,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT,
    created_at TEXT NOT NULL,
    taken_at TEXT,
    resolved_at TEXT
);
CREATE INDEX help_requests_center ON help_requests (center_id, status);
CREATE INDEX help_requests_user ON help_requests (user_id);

CREATE TABLE request_messages (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    author TEXT NOT NULL CHECK (author IN ('person', 'staff', 'note')),
    staff_id INTEGER,
    text TEXT,
    file_id TEXT,
    file_kind TEXT CHECK (file_kind IN ('photo', 'document')),
    created_at TEXT NOT NULL
);
CREATE INDEX request_messages_request ON request_messages (request_id);

-- Staff notices about a request, to edit them all when someone takes it.
CREATE TABLE request_notices (
    request_id INTEGER NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (chat_id, message_id)
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    method TEXT NOT NULL,
    payload TEXT NOT NULL,                 -- JSON parameters; emptied once delivered
    request_id INTEGER REFERENCES help_requests (id) ON DELETE CASCADE,
    notice INTEGER NOT NULL DEFAULT 0,     -- a staff notice: remember where it landed
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    actor_id INTEGER NOT NULL,
    request_id INTEGER REFERENCES help_requests (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    detail TEXT,
    created_at TEXT NOT NULL
);
