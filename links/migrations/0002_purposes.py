"""The purposes a link can serve, as the brief lists them (links.purposes)."""
from django.db import migrations

from links.purposes import ensure_purposes


def add_purposes(apps, schema_editor):
    ensure_purposes(apps.get_model("links", "Purpose"))


class Migration(migrations.Migration):
    dependencies = [("links", "0001_initial")]
    operations = [migrations.RunPython(add_purposes, migrations.RunPython.noop)]
