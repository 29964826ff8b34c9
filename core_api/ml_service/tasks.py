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
