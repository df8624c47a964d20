"""The exchange's tasks: a webhook round every two seconds, one delivery task per subscription, the
hourly purge of idempotency keys past their lifetime, the transparency log's catch-up after every
commit that appends events (and once a minute), the submission of each new checkpoint to the
peers' witnesses (and once a minute, for witnesses that were down), and replication rounds
following the peers' logs."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask

from greencert.exchange import webhooks
from greencert.exchange.idempotency import purge_expired_keys

logger = logging.getLogger(__name__)

ROUND_SECONDS = 2
# A round that could not start within this long after its time is skipped: the next one does
# the same work.
ROUND_EXPIRES = 30
# A catch-up waiting longer than this is dropped: a later one logs the same events.
LOG_CATCH_UP_EXPIRES = 60
LOG_CATCH_UP_RETRY_SECONDS = 0.5
# A replication round that could not start within this long is skipped: the next one catches up.
REPLICATION_EXPIRES = 30


@db_periodic_task(crontab(minute="*"))
def schedule_webhook_rounds() -> None:
    """Every minute: cancel what stopped subscriptions still have pending, run a round now and
    schedule one every two seconds until the next minute (periodic tasks run once a minute)."""
    webhooks.cancel_stopped()
    webhook_round()
    for offset in range(ROUND_SECONDS, 60, ROUND_SECONDS):
        webhook_round.schedule(delay=offset, expires=offset + ROUND_EXPIRES)


@db_task(expires=ROUND_EXPIRES)
def webhook_round() -> None:
    """Fan new events out to the subscriptions, then start a delivery task for each subscription
    with due deliveries that has none yet."""
    queued = webhooks.dispatch_all()
    started = webhooks.claim_due_subscriptions()
    for subscription_id in started:
        deliver_webhooks(subscription_id)
    if queued or started:
        logger.info(
            "queued %d webhook deliveries; sending to %d subscriptions", queued, len(started)
        )


@db_task()
def deliver_webhooks(subscription_id: int) -> None:
    """Send one subscription's due deliveries; its own failures are recorded on its rows."""
    sent = webhooks.deliver_subscription(subscription_id)
    if sent:
        logger.info("delivered %d webhooks to subscription %d", sent, subscription_id)


@db_periodic_task(crontab(minute="20"), retries=2, retry_delay=300)
def purge_idempotency_keys() -> None:
    """Forget the bodies' idempotency keys and answers older than their 24-hour lifetime."""
    purged = purge_expired_keys()
    if purged:
        logger.info("purged %d expired idempotency keys", purged)


@db_task(expires=LOG_CATCH_UP_EXPIRES)
def catch_up_log() -> None:
    """Log the events committed since the last checkpoint and sign a new one."""
    from greencert.exchange.tlog.storage import LogBusy, catch_up

    try:
        logged = catch_up(wait=False)
    except LogBusy as busy:
        raise RetryTask(delay=LOG_CATCH_UP_RETRY_SECONDS) from busy
    if logged:
        logger.info("logged %d events in the transparency log", logged)
        witness_checkpoint()


@db_periodic_task(crontab(minute="*"))
def schedule_replication_rounds() -> None:
    """Every minute, when the peers file lists other nodes: a replication round now and one every
    ``GREENCERT_REPLICATE_SECONDS`` until the next minute."""
    from django.conf import settings

    from greencert.exchange import peers

    seconds = settings.GREENCERT_REPLICATE_SECONDS
    if seconds <= 0 or not peers.peers():
        return
    replication_round()
    for offset in range(seconds, 60, seconds):
        replication_round.schedule(delay=offset, expires=offset + REPLICATION_EXPIRES)


@db_task(expires=REPLICATION_EXPIRES)
def replication_round() -> None:
    """Follow every peer's log once; a peer that is down is recorded and retried next round."""
    from greencert.exchange.replication.runner import replicate

    for result in replicate():
        if result.applied:
            logger.info("applied %d events of %s", result.applied, result.peer_id)


@db_periodic_task(crontab(minute="*"))
def catch_up_log_every_minute() -> None:
    """A catch-up a minute, for events committed while no worker ran, and a round of witness
    submissions, for witnesses that were down."""
    catch_up_log.call_local()
    witness_checkpoint()


# A submission round waiting longer than this is dropped: the next checkpoint's round does it.
WITNESS_EXPIRES = 60


@db_task(expires=WITNESS_EXPIRES)
def witness_checkpoint() -> None:
    """Submit the latest checkpoint to every peer's witness and keep their cosignatures."""
    from greencert.exchange.witness.submit import submit_latest

    results = submit_latest()
    if results:
        logger.info(
            "checkpoint cosigned by %d of %d witnesses", sum(results.values()), len(results)
        )
