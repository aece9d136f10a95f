-- Several instances on one database: an outbox row is claimed by one instance for a while before it is sent, and
-- each timed job runs once per tick across all instances, under a lease that the first instance to come takes.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;

CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until TEXT NOT NULL
);
