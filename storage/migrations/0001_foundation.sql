-- Users, the center directory and persisted dialog state.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,                -- Telegram user id
    locale TEXT CHECK (locale IN ('kk', 'ru')),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE TABLE localities (
    id INTEGER PRIMARY KEY,
    region TEXT NOT NULL,
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    UNIQUE (region, name_ru)
);

CREATE TABLE centers (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    region TEXT NOT NULL,
    locality_id INTEGER NOT NULL REFERENCES localities (id),
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    address_kk TEXT NOT NULL,
    address_ru TEXT NOT NULL,
    hours_kk TEXT NOT NULL,
    hours_ru TEXT NOT NULL,
    phones TEXT NOT NULL,                  -- JSON array of strings
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    services TEXT NOT NULL,                -- JSON array of service codes
    is_sample INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE INDEX centers_region ON centers (region);
CREATE INDEX centers_locality ON centers (locality_id);

CREATE TABLE fsm_states (
    key TEXT PRIMARY KEY,
    state TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
