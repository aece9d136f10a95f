-- When each center was last written by an import of the registry (python -m bot centers import, or the sample
-- directory): a later change made by staff in Telegram (/center, in the audit log) would be overwritten by the
-- next import, which therefore names it first.
ALTER TABLE centers ADD COLUMN imported_at TEXT;
