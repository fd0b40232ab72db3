"""SentEmail, moved here from knowledge (its 0007 renamed the table): state only, the table exists."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("knowledge", "0007_sentemail_to_core")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SentEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("key", models.CharField(max_length=120, unique=True)),
                        ("sent_at", models.DateTimeField(auto_now_add=True)),
                    ],
                )
            ],
            database_operations=[],
        )
    ]
