
import django.db.models.deletion
import django.utils.timezone
import greencert.certification.lifecycle.codes
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('certification', '0002_workflow'),
        ('core', '0002_append_only_events'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='certificate',
            name='status',
            field=models.CharField(choices=greencert.certification.lifecycle.codes.status_choices, db_index=True, default='01', max_length=2, verbose_name='证书状态 status'),
        ),
        # The event log moves from core to the certification lifecycle: first in the migration
        # state only (the table keeps its name and rows), renamed in 0004.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='CertificateEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sequence', models.BigIntegerField(unique=True, verbose_name='序号 sequence')),
                        ('event_type', models.CharField(choices=greencert.certification.lifecycle.codes.event_type_choices, max_length=32, verbose_name='事件类型 event type')),
                        ('status_before', models.CharField(blank=True, max_length=2, verbose_name='变更前状态 status before')),
                        ('status_after', models.CharField(max_length=2, verbose_name='变更后状态 status after')),
                        ('reason_code', models.CharField(blank=True, max_length=16, verbose_name='原因代码 reason code')),
                        ('actor_label', models.CharField(max_length=150, verbose_name='操作人标识 actor label')),
                        ('payload', models.JSONField(blank=True, default=dict, verbose_name='内容 payload')),
                        ('effective_at', models.DateTimeField(verbose_name='生效时间 effective at')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='记录时间 recorded at')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人 actor')),
                        ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='certification.certificate', verbose_name='证书 certificate')),
                    ],
                    options={
                        'verbose_name': '证书事件 certificate event',
                        'verbose_name_plural': '证书事件 certificate events',
                        'ordering': ['sequence'],
                        'indexes': [models.Index(fields=['certificate', 'sequence'], name='event_cert_seq_idx')],
                        'db_table': 'core_certificateevent',
                    },
                ),
            ],
        ),
    ]
