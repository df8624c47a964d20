from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("certification", "0004_certificate_event_table")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="body_number",
            field=models.CharField(
                default="", max_length=40, verbose_name="机构证书编号 body's certificate number"
            ),
            preserve_default=False,
        ),
        # Certificates recorded before bodies' numbers were kept answer to their registry number.
        migrations.RunSQL(
            "UPDATE certification_certificate SET body_number = number WHERE body_number = ''",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(fields=["body_number"], name="cert_body_number_idx"),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("body", "body_number"), name="cert_body_number_unique_per_body"
            ),
        ),
    ]
