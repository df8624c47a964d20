from django.db import migrations

OLD, NEW = "core_certificateevent", "certification_certificateevent"


def drop_triggers(table):
    def run(apps, schema_editor):
        from greencert.core.triggers import drop_append_only_triggers

        drop_append_only_triggers(schema_editor, table)

    return run


def create_triggers(table):
    def run(apps, schema_editor):
        from greencert.core.triggers import create_append_only_triggers

        create_append_only_triggers(schema_editor, table)

    return run


class Migration(migrations.Migration):
    """The event log's table takes the name of the app that owns it; its append-only triggers
    are dropped and made again around the rename, so they carry the new name."""

    dependencies = [
        ("certification", "0003_certificate_event"),
        ("core", "0003_certificate_event_moved"),
        ("exchange", "0002_event_in_certification"),
    ]

    operations = [
        migrations.RunPython(drop_triggers(OLD), create_triggers(OLD)),
        migrations.AlterModelTable(name="certificateevent", table=None),
        migrations.RunPython(create_triggers(NEW), drop_triggers(NEW)),
    ]
