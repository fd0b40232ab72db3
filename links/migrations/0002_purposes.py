"""The purposes a link can serve, as the brief lists them."""
from django.db import migrations

PURPOSES = [
    ("peace-reconciliation", "Peace and reconciliation"),
    ("trade-investment", "Trade and investment"),
    ("solidarity", "Solidarity"),
    ("development", "Development cooperation"),
    ("education", "Education"),
    ("culture", "Culture"),
    ("sport", "Sport"),
    ("health", "Health"),
    ("environment", "Environment"),
    ("technical-exchange", "Technical exchange"),
    ("faith", "Faith"),
    ("social-cohesion", "Social cohesion"),
]


def add_purposes(apps, schema_editor):
    Purpose = apps.get_model("links", "Purpose")
    for slug, name in PURPOSES:
        Purpose.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("links", "0001_initial")]
    operations = [migrations.RunPython(add_purposes, migrations.RunPython.noop)]
