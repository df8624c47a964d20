from django.db import migrations


def year_id_index(apps, schema_editor):
    """SQLite: documents of one issue year by id, for the bounds of a one-year search
    (``fts.SQLITE_YEAR_INDEX``); PostgreSQL has its own (0170)."""
    from greencert.portal import fts

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(fts.SQLITE_YEAR_INDEX, params=None)


def drop_year_id_index(apps, schema_editor):
    from greencert.portal import fts

    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {fts.YEAR_INDEX}", params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0170_search_year_id")]
    operations = [migrations.RunPython(year_id_index, drop_year_id_index)]
