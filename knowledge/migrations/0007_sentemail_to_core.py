"""SentEmail moves to core: the proposals, disputes and health emails use it as well as the knowledge
bank's. The table is renamed (rows kept); core's 0002 takes the model over in Django's state."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0006_emails_and_languages")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name="sentemail", table="core_sentemail")],
            state_operations=[migrations.DeleteModel(name="SentEmail")],
        )
    ]
