"""PostgreSQL: keep each entry's weighted tsvector in a stored generated column, GIN-indexed.

Ranking reads the stored vector instead of parsing every matching entry's text again (a word in
thousands of entries took seconds). Django does not know the column: only knowledge/search.py
reads it, and the database fills it. SQLite is untouched (its FTS5 table is in 0002).
"""

from django.db import migrations

POSTGRES_UP = [
    "DROP INDEX IF EXISTS knowledge_search_tsv",
    """ALTER TABLE knowledge_searchentry ADD COLUMN document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body), 'B')) STORED""",
    "CREATE INDEX knowledge_search_document ON knowledge_searchentry USING GIN (document)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS knowledge_search_document",
    "ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS document",
    """CREATE INDEX knowledge_search_tsv ON knowledge_searchentry USING GIN ((
        setweight(to_tsvector('english'::regconfig, title), 'A')
        || setweight(to_tsvector('english'::regconfig, body), 'B')))""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_questions")]

    operations = [migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN))]
