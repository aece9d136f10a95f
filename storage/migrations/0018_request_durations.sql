-- /stats' medians (seconds to take, seconds to resolve) parsed two stamps per request and sorted them on every
-- call. The seconds are stored with the stamps instead: every write of taken_at / resolved_at sets its column in
-- the same statement (storage/requests.py, storage/staff_roster.py), and rows written before this migration are
-- filled when the bot prepares its database (storage/bootstrap.py, storage/stats.py fill_durations). A column is
-- NULL exactly when its stamp is. The medians count what bot.admin.stats.summarize counts, read in order from
-- these partial indexes; the last one finds rows still to fill without reading the table.
ALTER TABLE help_requests ADD COLUMN take_seconds INTEGER;
ALTER TABLE help_requests ADD COLUMN resolve_seconds INTEGER;
CREATE INDEX help_requests_take_seconds ON help_requests (take_seconds)
    WHERE status != 'spam' AND take_seconds IS NOT NULL;
CREATE INDEX help_requests_resolve_seconds ON help_requests (resolve_seconds)
    WHERE status = 'resolved' AND resolve_seconds IS NOT NULL;
CREATE INDEX help_requests_durations_missing ON help_requests (id)
    WHERE (take_seconds IS NULL AND taken_at IS NOT NULL) OR (resolve_seconds IS NULL AND resolved_at IS NOT NULL);
