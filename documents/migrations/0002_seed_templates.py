from django.db import migrations


def load(apps, schema_editor):
    from documents.seeds import seed_templates

    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for entry in seed_templates():
        DocumentTemplate.objects.get_or_create(
            kind=entry["kind"],
            language=entry["language"],
            defaults={"title": entry["title"], "summary": entry.get("summary", ""), "body": entry["body"]},
        )


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
