from django.db import migrations


def load(apps, schema_editor):
    from greencert.catalog.loader import sync_catalog
    from greencert.catalog.scheme_versions import sync_schemes

    sync_catalog(
        apps.get_model("catalog", "Category"),
        apps.get_model("catalog", "Standard"),
        apps.get_model("catalog", "ImplementationRule"),
    )
    sync_schemes(apps.get_model("catalog", "EvaluationScheme"), apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_activity_channels_and_sources")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
