"""Fixtures shared by every app's tests (see ``greencert.core.tests.fixtures``)."""

from greencert.core.tests.fixtures import *  # noqa: F403
