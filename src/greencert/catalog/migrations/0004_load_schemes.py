from django.db import migrations


def load(apps, schema_editor):
    from greencert.catalog.scheme_versions import sync_schemes

    sync_schemes(apps.get_model("catalog", "EvaluationScheme"), apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_evaluation_scheme")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
