"""A fixture for tests of tasks: the in-memory queue emptied around each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY


@pytest.fixture
def empty_task_queue() -> Iterator[None]:
    """Tests run tasks in memory (huey's immediate mode); what one test scheduled for later, or
    the heartbeat it left, must not show up in the next."""
    HUEY.storage.flush_all()
    yield
    HUEY.storage.flush_all()
