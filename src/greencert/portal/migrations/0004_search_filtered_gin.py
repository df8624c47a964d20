import sys

from django.db import DatabaseError, migrations, transaction


def filtered_gin(apps, schema_editor):
    """PostgreSQL: the GIN index takes the filters' equality keys, through btree_gin."""
    from greencert.portal import fts

    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    except DatabaseError as error:
        sys.stderr.write(fts.BTREE_GIN_MISSING.format(error=str(error).strip()) + "\n")
        return
    fts.create(lambda sql: schema_editor.execute(sql, params=None), "postgresql", filtered=True)


def plain_gin(apps, schema_editor):
    from greencert.portal import fts

    if schema_editor.connection.vendor == "postgresql":
        fts.create(lambda sql: schema_editor.execute(sql, params=None), "postgresql")


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_search_vector")]
    operations = [migrations.RunPython(filtered_gin, plain_gin)]
