-- Who last changed a request's status (a staff member's first name), so every notice, also one recorded after
-- the change, can say it.
ALTER TABLE help_requests ADD COLUMN last_actor TEXT;
