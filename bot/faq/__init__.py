"""Questions and answers: short articles in both languages, found by topic or by a typed question."""
