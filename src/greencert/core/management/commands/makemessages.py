"""``makemessages`` that also reads the Jinja2 templates (``<app>/jinja2/``, see ``core.jinja``).

Django's own command reads Django templates and Python; a Jinja2 template is handed to Jinja's
extractor instead, and its messages (``_()``, ``{% trans %}``, plurals) are written as ``gettext``
and ``ngettext`` calls on their own lines for ``xgettext``, so ``make messages`` keeps them in the
same catalogs, with references to the template's lines.
"""

from __future__ import annotations

import os
from functools import cached_property

from django.core.management.commands import makemessages
from jinja2.ext import GETTEXT_FUNCTIONS, babel_extract

JINJA_DIRECTORY = f"{os.sep}jinja2{os.sep}"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class BuildFile(makemessages.BuildFile):
    @cached_property
    def is_jinja(self) -> bool:
        return JINJA_DIRECTORY in os.path.join(self.translatable.dirpath, "")

    @cached_property
    def is_templatized(self) -> bool:
        return self.is_jinja or super().is_templatized

    def preprocess(self) -> None:
        if not self.is_jinja:
            super().preprocess()
            return
        lines: dict[int, list[str]] = {}
        options = {"extensions": "jinja2.ext.i18n", "trimmed": "false"}
        with open(self.path, "rb") as source:
            for line, _function, message, _comments in babel_extract(
                source, GETTEXT_FUNCTIONS, [], options
            ):
                strings = [m for m in (message if isinstance(message, tuple) else (message,)) if m]
                if len(strings) == 2:
                    call = f"ngettext({_literal(strings[0])}, {_literal(strings[1])}, n)"
                else:
                    call = f"gettext({_literal(strings[0])})"
                lines.setdefault(line, []).append(call)
        last = max(lines, default=0)
        content = "\n".join("; ".join(lines.get(n, [])) for n in range(1, last + 1))
        with open(self.work_path, "w", encoding="utf-8") as work:
            work.write(content + "\n")


class Command(makemessages.Command):
    build_file_class = BuildFile
