-- Questions and answers: whether an article helped, counted per article and day. Counts only: no user id, no
-- text, nothing that names who answered.
CREATE TABLE faq_feedback (
    slug TEXT NOT NULL,
    day TEXT NOT NULL,
    helped INTEGER NOT NULL CHECK (helped IN (0, 1)),
    votes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (slug, day, helped)
);
