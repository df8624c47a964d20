"""Who is acting: every action receives an Actor and records it in the event it appends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Actor:
    """A person (a Django user), a registered API client, or a named system process."""

    user: Any = None
    system: str = ""
    client: Any = None

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser) -> Actor:
        return cls(user=user if getattr(user, "is_authenticated", False) else None)

    @classmethod
    def for_system(cls, name: str) -> Actor:
        return cls(system=name)

    @classmethod
    def for_client(cls, client: Any) -> Actor:
        return cls(client=client)

    @property
    def is_system(self) -> bool:
        return bool(self.system) and self.user is None and self.client is None

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None or self.client is not None or self.is_system

    @property
    def label(self) -> str:
        if self.user is not None:
            return f"user:{self.user.get_username()}"
        if self.client is not None:
            return f"client:{self.client.name}"
        if self.system:
            return f"system:{self.system}"
        return "anonymous"
