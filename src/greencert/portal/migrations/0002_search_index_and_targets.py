from django.db import migrations


def create_search_index(apps, schema_editor):
    from greencert.portal import fts

    fts.create(lambda sql: schema_editor.execute(sql, params=None), schema_editor.connection.vendor)


def drop_search_index(apps, schema_editor):
    from greencert.portal import fts

    fts.drop(lambda sql: schema_editor.execute(sql, params=None), schema_editor.connection.vendor)


def load_targets(apps, schema_editor):
    from greencert.portal.targets import sync_targets

    sync_targets(apps.get_model("portal", "Target"), apps.get_model("regions", "Region"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial"), ("regions", "0002_load_regions")]
    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(load_targets, migrations.RunPython.noop),
    ]
