-- Whom an undelivered message names (a sign-up notice carries a name and a phone): erasing that person deletes it.
ALTER TABLE outbox ADD COLUMN about_user INTEGER;
CREATE INDEX outbox_about ON outbox (about_user) WHERE about_user IS NOT NULL;
