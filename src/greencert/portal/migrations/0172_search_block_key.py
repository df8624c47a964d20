from django.db import migrations


def _filtered(schema_editor) -> bool:
    """Whether this database has the filtered GIN index (PostgreSQL with btree_gin)."""
    from greencert.portal import fts

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [fts.FILTERED_GIN])
        return cursor.fetchone() is not None


def block_key(apps, schema_editor):
    """PostgreSQL: the filtered GIN index also holds each document's block of ids
    (``fts.BLOCK_KEY``), so a word's newest matches are found block by block."""
    from greencert.portal import fts

    if _filtered(schema_editor):
        schema_editor.execute(f"DROP INDEX {fts.FILTERED_GIN}", params=None)
        schema_editor.execute(fts.PG_FILTERED_INDEX, params=None)


def without_block_key(apps, schema_editor):
    from greencert.portal import fts

    if _filtered(schema_editor):
        schema_editor.execute(f"DROP INDEX {fts.FILTERED_GIN}", params=None)
        schema_editor.execute(
            f"CREATE INDEX {fts.FILTERED_GIN} ON {fts.TABLE} USING gin ({fts.FILTERED_KEYS})",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0171_search_year_id_sqlite")]
    operations = [migrations.RunPython(block_key, without_block_key)]
