"""The admins' staff list (/staff): who works for a center, inviting, and removing someone who leaves."""
