"""The table of the ``shared`` cache (rate limits, used proof-of-work challenges, scan visitors,
receipts) when it is kept in the database (no GREENCERT_REDIS_URL): created with the schema, so
every node that migrates has it, whichever cache this process is configured with."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "greencert_cache"


def create_cache_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_ops_counter_forward_only")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
