"""Full-text search over knowledge_searchentry, in each database's own way (see knowledge/search.py).

SQLite: an FTS5 table whose content is knowledge_searchentry (Porter stemming, accents ignored),
kept in step by triggers. PostgreSQL: a GIN index on the weighted tsvector the search queries.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE knowledge_search_fts USING fts5(
        title, body, content='knowledge_searchentry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER knowledge_search_ai AFTER INSERT ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END""",
    """CREATE TRIGGER knowledge_search_ad AFTER DELETE ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body); END""",
    """CREATE TRIGGER knowledge_search_au AFTER UPDATE ON knowledge_searchentry BEGIN
        INSERT INTO knowledge_search_fts(knowledge_search_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO knowledge_search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS knowledge_search_au",
    "DROP TRIGGER IF EXISTS knowledge_search_ad",
    "DROP TRIGGER IF EXISTS knowledge_search_ai",
    "DROP TABLE IF EXISTS knowledge_search_fts",
]
# knowledge/search.py's POSTGRES_VECTOR: the index serves only a query that spells it the same way.
POSTGRES_UP = [
    """CREATE INDEX knowledge_search_tsv ON knowledge_searchentry USING GIN ((
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body), 'B')))""",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS knowledge_search_tsv"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
