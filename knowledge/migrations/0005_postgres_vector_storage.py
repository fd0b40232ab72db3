"""PostgreSQL: keep each stored tsvector compressed in its row (STORAGE MAIN) rather than in TOAST.

A search for a word found in nearly every entry reads every vector; fetching each one from the
TOAST table cost four times as much as reading it inline (bench/knowledge_search.py). The UPDATE
rewrites the rows already there with the new storage.
"""

from django.db import migrations


def _run(storage: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE knowledge_searchentry ALTER COLUMN document SET STORAGE {storage}")
            schema_editor.execute("UPDATE knowledge_searchentry SET body = body")

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_postgres_stored_vector")]

    operations = [migrations.RunPython(_run("MAIN"), _run("EXTENDED"))]
