
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_append_only_events'),
        ('certification', '0003_certificate_event'),
        ('exchange', '0002_event_in_certification'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='CertificateEvent')],
        ),
    ]
