"""Generic machinery every app may use: named gapless counters."""

from __future__ import annotations

from django.db import models


class Counter(models.Model):
    """A named gapless counter (see ``core.sequence``)."""

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "计数器 counter"
        verbose_name_plural = "计数器 counters"

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
