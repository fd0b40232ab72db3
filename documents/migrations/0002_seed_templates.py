from django.db import migrations


def load(apps, schema_editor):
    from documents.seeds import seed_templates_load

    seed_templates_load(apps.get_model("documents", "DocumentTemplate"))


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
