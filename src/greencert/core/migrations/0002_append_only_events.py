from django.db import migrations

TABLE = "core_certificateevent"


def forwards(apps, schema_editor):
    from greencert.core.triggers import create_append_only_triggers

    create_append_only_triggers(schema_editor, TABLE)
    apps.get_model("core", "Counter").objects.get_or_create(name="certificate_event", defaults={"value": 0})


def backwards(apps, schema_editor):
    from greencert.core.triggers import drop_append_only_triggers

    drop_append_only_triggers(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
