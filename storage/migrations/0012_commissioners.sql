-- The regional commissioners for children's rights (Бала құқықтары жөніндегі уәкіл / Уполномоченный по правам
-- ребёнка), one office per region, shown with a child's-situation request; the shipped list is a SAMPLE.
CREATE TABLE commissioners (
    region TEXT PRIMARY KEY,
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    phone TEXT NOT NULL,
    is_sample INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL
);
