from django.db import migrations


def load(apps, schema_editor):
    from greencert.catalog.loader import sync_catalog

    sync_catalog(
        apps.get_model("catalog", "Category"),
        apps.get_model("catalog", "Standard"),
        apps.get_model("catalog", "ImplementationRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
