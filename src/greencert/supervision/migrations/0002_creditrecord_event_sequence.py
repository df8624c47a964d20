

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='creditrecord',
            name='event_sequence',
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True, verbose_name='证书事件序号 event sequence'),
        ),
    ]
