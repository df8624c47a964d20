from django.db import migrations


def year_id_index(apps, schema_editor):
    """PostgreSQL: documents of one issue year in id order, for the search's newest-first window
    under a one-year filter (``fts.PG_YEAR_INDEX``). SQLite's FTS5 needs no such pass."""
    from greencert.portal import fts

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(fts.PG_YEAR_INDEX, params=None)


def drop_year_id_index(apps, schema_editor):
    from greencert.portal import fts

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {fts.YEAR_INDEX}", params=None)


class Migration(migrations.Migration):
    dependencies = [("portal", "0005_search_body_key")]
    operations = [migrations.RunPython(year_id_index, drop_year_id_index)]
