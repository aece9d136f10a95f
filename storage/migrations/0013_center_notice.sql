-- A center's temporary notice ("closed today, call ..."), written by its staff from Telegram: shown at the top of
-- the card until notice_until (a UTC moment; NULL: until removed).
ALTER TABLE centers ADD COLUMN notice TEXT NOT NULL DEFAULT '';
ALTER TABLE centers ADD COLUMN notice_until TEXT;
