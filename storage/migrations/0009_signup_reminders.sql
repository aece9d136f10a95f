-- Whether the one who booked asked for reminders for this sign-up (a partner who joins agrees to them on joining).
-- The reminders consent is per person; this is the choice made for each sign-up.
ALTER TABLE signups ADD COLUMN wants_reminders INTEGER NOT NULL DEFAULT 1;
