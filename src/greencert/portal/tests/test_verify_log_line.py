"""The verify page says, in plain words, which entry of the node's transparency log records the
certificate's status and which signed checkpoint covers it; the hashes stay in a details box."""

from __future__ import annotations

import base64
import re

import pytest
from django.utils import timezone

from greencert.certification.lifecycle.history import latest_sequence
from greencert.exchange.tlog import storage

pytestmark = pytest.mark.django_db


def log_card(html: str) -> str:
    found = re.search(r'<section class="card log-standing".*?</section>', html, re.S)
    assert found, html
    return found.group(0)


def main_text(card: str) -> str:
    """The card without its details box: what everyone reads."""
    return re.sub(r"<details.*?</details>", "", card, flags=re.S)


def test_the_page_names_the_log_entry_and_the_checkpoint_that_covers_it(issue, client):
    certificate = issue()
    issue()
    storage.catch_up()
    checkpoint = storage.latest_checkpoint()
    when = timezone.localtime(checkpoint.signed_at).strftime("%Y-%m-%d %H:%M")

    card = log_card(client.get(f"/verify/{certificate.number}").content.decode())

    entry = latest_sequence(certificate.pk)
    assert (
        f"记录于本节点透明日志第 {entry} 条，已写入 {when} 签署的检查点（共 {checkpoint.size} 条记录）。"
        in card
    )


def test_the_line_reads_in_english(issued_certificate, client):
    storage.catch_up()
    checkpoint = storage.latest_checkpoint()

    card = log_card(client.get(f"/verify/{issued_certificate.number}?lang=en").content.decode())

    assert (
        f"Recorded as entry {latest_sequence(issued_certificate.pk)} of this node's transparency "
        f"log, in the checkpoint of {checkpoint.size} entries signed" in card
    )
    assert "What this means" in card
    assert "Details for professionals" in card


def test_an_event_not_yet_in_a_checkpoint_is_said_to_be_on_its_way(issue, client):
    issue()
    storage.catch_up()
    certificate = issue()  # committed after the last checkpoint; no worker runs in tests

    card = log_card(client.get(f"/verify/{certificate.number}").content.decode())

    assert f"记录于本节点透明日志第 {latest_sequence(certificate.pk)} 条" in card
    assert "覆盖它的检查点正在签署，通常一秒内完成" in card


def test_the_line_links_the_proof_and_the_explanation(issued_certificate, client):
    storage.catch_up()
    card = log_card(client.get(f"/verify/{issued_certificate.number}").content.decode())

    assert f'href="/api/v1/certificates/{issued_certificate.number}/proof"' in card
    assert 'href="/transparency-log"' in card
    assert client.get(f"/api/v1/certificates/{issued_certificate.number}/proof").status_code == 200


def test_hashes_stay_out_of_the_main_text(issued_certificate, client):
    storage.catch_up()
    root = base64.b64encode(bytes(storage.latest_checkpoint().root_hash)).decode()

    card = log_card(client.get(f"/verify/{issued_certificate.number}").content.decode())

    assert root not in main_text(card)
    assert root in card  # in the details box, for professionals
    assert "127.0.0.1:8000/log" not in main_text(card)


def test_the_details_say_no_node_has_cosigned_yet(issued_certificate, client):
    storage.catch_up()

    card = log_card(client.get(f"/verify/{issued_certificate.number}?lang=en").content.decode())

    assert "No other node has cosigned this checkpoint yet." in card


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("zh-hans", "证书变更的公开记录"), ("en", "The public record of certificate changes")],
)
def test_the_explanation_page_reads_in_both_languages(client, lang, heading):
    html = client.get(f"/transparency-log?lang={lang}").content.decode()

    assert f"<h1>{heading}</h1>" in html
    assert 'href="/log/checkpoint"' in html
