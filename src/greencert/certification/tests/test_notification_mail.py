"""Notification mail is a task: a mail server that is down gets the mail later."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY

from greencert.certification import tasks
from greencert.core.jobs import run_waiting_tasks

pytestmark = pytest.mark.usefixtures("empty_task_queue")


def test_a_mail_the_server_refused_is_sent_again_a_minute_later(monkeypatch, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False)
    real_send_mail = tasks.send_mail
    refusals: list[tuple[object, ...]] = []

    def send_mail(*args, **kwargs):
        if not refusals:
            refusals.append(args)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send_mail(*args, **kwargs)

    monkeypatch.setattr(tasks, "send_mail", send_mail)
    tasks.send_notification("[greencert] 受理 / accepted", "正文 / body", ["a@example.test"])
    assert mail.outbox == []
    assert HUEY.scheduled_count() == 1

    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 0, 30, tzinfo=dt.UTC), tick=False)
    assert run_waiting_tasks() == 0  # not yet: the first retry is a minute after the failure
    time_machine.move_to(dt.datetime(2026, 6, 1, 10, 1, 1, tzinfo=dt.UTC), tick=False)
    assert run_waiting_tasks() == 1
    assert [message.to for message in mail.outbox] == [["a@example.test"]]


def test_mail_is_retried_six_times_with_growing_delays():
    assert tasks.send_notification.retries == 6
    assert tasks.send_notification.retry_delay == 60
    assert tasks.send_notification.task_class.default_retry_backoff == 2
