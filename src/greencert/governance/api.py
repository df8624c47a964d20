"""Governance endpoints of /api/v1: the working group, the alliance, announcements, recognitions."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["governance 协同机制"])

ROUTERS = {"": router}
