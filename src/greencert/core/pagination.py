"""Cursor pagination of lists: ``?cursor=…&limit=…`` in, ``{"items": […], "next_cursor": …}`` out.

A Django Ninja paginator (``@paginate(CertificatePages)``) that pages by key, not by offset: the
cursor holds the last key of the page, so a deep page costs what the first one does, and rows
written between two calls are neither repeated nor skipped. Cursors are signed with the node's
secret key and the list's own salt, so a client cannot make up a position and a cursor of one
list means nothing to another. Pages outside the API (the search page) call the same paginator.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase
from pydantic import create_model

from greencert.core.errors import ValidationFailed


class KeysetSource(Protocol):
    """What a paginator pages through when it is not a queryset (a hand-written search)."""

    def page(self, after: int | None, count: int) -> list[Any]:
        """Up to ``count`` rows in page order, starting after the row whose key is ``after``."""
        ...


class KeysetPagination(PaginationBase):
    """Subclass per list, setting the key, the order, the page sizes and the cursor salt."""

    key: ClassVar[str] = "id"
    newest_first: ClassVar[bool] = False
    default_limit: ClassVar[int] = 50
    max_limit: ClassVar[int] = 200
    salt: ClassVar[str] = "greencert.cursor"

    class Input(Schema):
        cursor: str | None = None
        limit: int = 50

    class Output(Schema):
        items: list[Any]
        next_cursor: str | None = Field(
            description="pass as ?cursor= for the next page; null at the end"
        )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Each list documents its own page sizes in the OpenAPI document.
        cls.Input = create_model(  # type: ignore[misc]
            f"{cls.__name__}Input",
            __base__=KeysetPagination.Input,
            cursor=(
                str | None,
                Field(None, description="next_cursor of the previous page; omit for the first"),
            ),
            limit=(
                int,
                Field(
                    cls.default_limit,
                    ge=1,
                    le=cls.max_limit,
                    description=f"results per page, 1 to {cls.max_limit}",
                ),
            ),
        )

    def encode(self, position: int) -> str:
        return signing.Signer(salt=self.salt).sign_object(position)

    def decode(self, cursor: str) -> int:
        try:
            position = signing.Signer(salt=self.salt).unsign_object(cursor)
        except signing.BadSignature:
            position = None
        if not isinstance(position, int) or isinstance(position, bool):
            raise ValidationFailed(
                field="cursor",
                value=cursor,
                expected_zh="上一页响应中的 next_cursor，原样传回",
                expected_en="the next_cursor of a previous page, passed back unchanged",
            )
        return position

    def rows(self, source: QuerySet | KeysetSource, after: int | None, count: int) -> list[Any]:
        if not isinstance(source, QuerySet):
            return source.page(after, count)
        if after is not None:
            source = source.filter(**{f"{self.key}__{'lt' if self.newest_first else 'gt'}": after})
        return list(source.order_by(f"-{self.key}" if self.newest_first else self.key)[:count])

    def present(self, rows: list[Any]) -> list[Any]:
        """The page's items as answered; one call per page, so lookups can be made for all rows."""
        return rows

    def paginate_queryset(
        self,
        queryset: QuerySet | KeysetSource,
        pagination: Any,
        request: HttpRequest | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        after = self.decode(pagination.cursor) if pagination.cursor else None
        rows = self.rows(queryset, after, pagination.limit + 1)
        more = len(rows) > pagination.limit
        rows = rows[: pagination.limit]
        return {
            "items": self.present(rows),
            "next_cursor": self.encode(_key_of(rows[-1], self.key)) if more else None,
        }


def _key_of(row: Any, key: str) -> Any:
    """A row's keyset position: a model instance's attribute or a ``values()`` row's item."""
    return row[key] if isinstance(row, dict) else getattr(row, key)
