from django.db import migrations


def stored_search_vector(apps, schema_editor):
    """PostgreSQL: the GIN index moves from an expression to a stored generated column."""
    from greencert.portal import fts

    if schema_editor.connection.vendor == "postgresql":
        fts.create(lambda sql: schema_editor.execute(sql, params=None), "postgresql")


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_search_index_and_targets")]
    operations = [migrations.RunPython(stored_search_vector, migrations.RunPython.noop)]
