"""Celery tasks: they carry job ids only; the job row says what to do and records what happened."""

from celery import shared_task

from .jobs import TransientJobError, execute_job, jobs_reap


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(TransientJobError,),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=3,
)
def run_job(self, job_id: int) -> str:
    return execute_job(job_id, worker=self.request.hostname or "")


@shared_task(ignore_result=True)
def reap_stale_jobs() -> dict:
    return jobs_reap()


def _submit_if_possible(kind: str, params: dict) -> int | None:
    from core.errors import ApplicationError

    from .jobs import job_submit

    try:
        return job_submit(kind=kind, params=params).pk
    except ApplicationError:  # nothing to learn from yet (an empty mill): try again tomorrow
        return None


@shared_task(ignore_result=True)
def nightly_retraining() -> dict:
    """Retrain the models that learn from the mill's own data; planners promote a better version."""
    from django.db import transaction

    with transaction.atomic():
        return {
            "demand_forecast": _submit_if_possible("train", {"model": "demand_forecast"}),
            "score_suppliers": _submit_if_possible("score_suppliers", {}),
        }


@shared_task(ignore_result=True)
def nightly_forecast_refresh() -> int | None:
    """Fresh forecasts for every article with the champion, in chunks across the workers."""
    from django.db import transaction

    with transaction.atomic():
        return _submit_if_possible("batch_forecast", {})
