-- Who a staff member is, for the admins' /staff list: their Telegram first name and username as they were when they
-- joined or last acted on a request, and when that was (per center).
ALTER TABLE staff ADD COLUMN first_name TEXT;
ALTER TABLE staff ADD COLUMN username TEXT;
ALTER TABLE staff ADD COLUMN last_active_at TEXT;
