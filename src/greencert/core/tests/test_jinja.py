"""The Jinja2 environment of the verify page: Django's addresses, translations and dates, and the
``makemessages`` that keeps its messages in the catalogs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from greencert.core.jinja import day, minute, timestamp, url
from greencert.core.management.commands.makemessages import BuildFile

BEIJING = dt.timezone(dt.timedelta(hours=8))


def render(source: str, **context: object) -> str:
    return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("portal:verify", ["GC3320260000001X"]),
        ("marks:certificate-mark", ["GC3320260000001X", "svg"]),
        ("marks:certificate-mark", ["GC3320260000001X", "pdf"]),
        ("marks:certificate-pdf", ["GC3320260000001X"]),
        ("governance:alliance_document", ["YRDGC-P-001"]),
        ("supervision:complaint_new", []),
        ("api-v1:certificate_receipt", ["GC3320260000001X"]),
    ],
)
def test_url_is_reverse(name: str, args: list[str]) -> None:
    assert url(name, *args) == reverse(name, args=args)
    assert url(name, *args) == reverse(name, args=args)  # the second time from the kept pattern


def test_url_of_an_argument_that_is_not_plain_is_reversed_and_quoted() -> None:
    typed = "SG 2026/001 é"
    assert url("portal:verify", typed) == reverse("portal:verify", args=[typed])
    assert "%C3%A9" in url("portal:verify", typed)


def test_url_follows_the_script_prefix() -> None:
    from django.urls import set_script_prefix

    try:
        set_script_prefix("/node-sh/")
        assert url("portal:verify", "GC1") == "/node-sh/verify/GC1"
    finally:
        set_script_prefix("/")
    assert url("portal:verify", "GC1") == "/verify/GC1"


def test_dates_are_written_as_django_wrote_them_in_the_sites_time_zone() -> None:
    late = dt.datetime(2026, 3, 1, 17, 30, 5, 123456, tzinfo=dt.UTC)  # 01:30 next day, Beijing
    assert day(late) == "2026-03-02"
    assert minute(late) == "2026-03-02 01:30"
    assert timestamp(late) == "2026-03-02T01:30:05+08:00"
    assert day(dt.date(2026, 3, 1)) == "2026-03-01"
    assert minute(dt.date(2026, 3, 1)) == ""  # a date has no time of day, as in Django's filter
    assert day(None) == day("2026-03-01") == ""
    with translation.override("en"):
        django = engines["django"].from_string('{{ t|date:"Y-m-d H:i" }}').render({"t": late})
    assert django == minute(late)
    assert timezone.localtime(late).tzinfo is not None


def test_messages_are_in_the_pages_language_and_variables_are_escaped() -> None:
    source = '{{ _("Registry number") }}|{% trans n="<b>" %}log entry {{ n }}{% endtrans %}'
    assert render(source, LANGUAGE_CODE="en") == "Registry number|log entry &lt;b&gt;"
    assert render(source, LANGUAGE_CODE="zh-hans") == "平台证书编号|日志第 &lt;b&gt; 条"


def test_plurals_follow_the_number() -> None:
    source = (
        "{% trans counter=n %}The mark's QR code has been scanned {{ counter }} time."
        "{% pluralize %}The mark's QR code has been scanned {{ counter }} times.{% endtrans %}"
    )
    assert render(source, LANGUAGE_CODE="en", n=1).endswith("scanned 1 time.")
    assert render(source, LANGUAGE_CODE="en", n=3).endswith("scanned 3 times.")
    assert "3" in render(source, LANGUAGE_CODE="zh-hans", n=3)


def test_a_missing_value_renders_empty_as_in_django_templates() -> None:
    assert render("[{{ certificate.holder.name }}]") == "[]"


def test_makemessages_reads_the_jinja_templates(tmp_path: Path) -> None:
    template = Path(__file__).parents[2] / "marks" / "jinja2" / "marks" / "verify_panel.html"
    directory = tmp_path / "marks" / "jinja2" / "marks"
    directory.mkdir(parents=True)
    copy = directory / "verify_panel.html"
    copy.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")

    class Translatable:
        file = copy.name
        dirpath = str(directory)
        path = str(copy)

    build = BuildFile(command=None, domain="django", translatable=Translatable())  # type: ignore[arg-type]
    assert build.is_templatized
    build.preprocess()
    calls = Path(build.work_path).read_text(encoding="utf-8")
    assert 'gettext("Mark and signed certificate")' in calls
    assert (
        'ngettext("The mark\'s QR code has been scanned %(counter)s time.", '
        '"The mark\'s QR code has been scanned %(counter)s times.", n)'
    ) in calls
    assert 'gettext("Last %(days)s days: %(recent)s.")' in calls
    # Each call is on its template line, for the catalog's references.
    assert calls.splitlines()[1].startswith('gettext("Mark and signed certificate")')
