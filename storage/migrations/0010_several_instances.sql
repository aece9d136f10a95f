-- Several instances on one database: an outbox row is claimed by one instance for a while before it is sent, and
-- each timed job runs once per tick across all instances, under a lease that the first instance to come takes.
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
-- A chat's oldest pending row is the only one of the chat that may be claimed: its messages go in order.
CREATE INDEX outbox_chat ON outbox (chat_id, status, id);

CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until TEXT NOT NULL
);
