-- With 100,000 people and a year of requests stored (python -m bot bench-scale), the queries below scanned whole
-- tables: the admins' /queue over every center, /stats' counts per topic (read from the index alone), the rows a
-- person's erasure clears (who took a request, who answered, who acted), and the claims the outbox voids at start.
CREATE INDEX help_requests_status ON help_requests (status, urgent, id);
CREATE INDEX help_requests_category ON help_requests (category, status, rating);
CREATE INDEX help_requests_assignee ON help_requests (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX request_messages_staff ON request_messages (staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX outbox_claimed ON outbox (claimed_until) WHERE claimed_until IS NOT NULL;
