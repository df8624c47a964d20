"""PostgreSQL: a counter only moves forward and is never deleted (the application's role may
UPDATE it: see greencert.core.db_roles)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION greencert_counter_forward_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'greencert: DELETE on core_counter refused: a counter is never removed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.name <> OLD.name OR NEW.value < OLD.value THEN
        RAISE EXCEPTION 'greencert: counter % may only move forward (% to % refused)',
            OLD.name, OLD.value, NEW.value USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    schema_editor.execute(
        "CREATE TRIGGER core_counter_forward_only BEFORE UPDATE OR DELETE ON core_counter "
        "FOR EACH ROW EXECUTE FUNCTION greencert_counter_forward_only();",
        params=None,
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS core_counter_forward_only ON core_counter;")
    schema_editor.execute("DROP FUNCTION IF EXISTS greencert_counter_forward_only();")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_certificate_event_moved")]

    operations = [migrations.RunPython(create, drop)]
