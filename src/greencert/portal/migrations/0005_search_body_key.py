from django.db import migrations, models


def sqlite_triggers(apps, schema_editor):
    """SQLite adds and drops the column by rebuilding the table, which drops the triggers that
    keep the FTS5 index in step; they are made again (PostgreSQL changes the table in place)."""
    from greencert.portal import fts

    if schema_editor.connection.vendor == "sqlite":
        fts.create(lambda sql: schema_editor.execute(sql, params=None), "sqlite")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_search_filtered_gin"),
        ("certification", "0005_certificate_body_number"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, sqlite_triggers),
        migrations.AddField(
            model_name="searchdocument",
            name="body_key",
            field=models.CharField(
                blank=True,
                db_index=True,
                max_length=40,
                verbose_name="机构证书编号 body's certificate number",
            ),
        ),
        # The documents already indexed take their certificate's body number.
        migrations.RunSQL(
            "UPDATE portal_searchdocument SET body_key = (SELECT c.body_number "
            "FROM certification_certificate c WHERE c.id = portal_searchdocument.certificate_id) "
            "WHERE certificate_id IS NOT NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunPython(sqlite_triggers, migrations.RunPython.noop),
    ]
