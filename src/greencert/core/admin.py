from django.contrib import admin

from greencert.core.models import Counter
from greencert.core.readonly_admin import ReadOnlyAdmin


@admin.register(Counter)
class CounterAdmin(ReadOnlyAdmin):
    list_display = ["name", "value"]
