"""Running ML jobs exactly once on any broker.

A job is claimed with a conditional UPDATE that stamps a fresh claim id; while it runs, a heartbeat
thread refreshes `heartbeat_at`; only the attempt holding the claim may finish it, and its result
rows are written in the same transaction that marks it succeeded. A worker killed mid-job stops
heartbeating: `jobs_reap` (scheduled by beat) puts the job back in the queue, at most
`max_attempts` times. A redelivered message for a job that is running elsewhere or finished is a no-op.
"""

from __future__ import annotations

import logging
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.errors import BusinessRuleViolation, InvalidInput

from .models import TERMINAL, JobKind, JobStatus, MLJob

logger = logging.getLogger(__name__)

HEARTBEAT_S = getattr(settings, "WEFT_JOB_HEARTBEAT_S", 5)
STALE_AFTER_S = getattr(settings, "WEFT_JOB_STALE_S", 30)
# Soft/hard time limits per kind (seconds): training may take long, a what-if must not.
TIME_LIMITS: dict[str, tuple[int, int]] = {
    JobKind.TRAIN: (3 * 3600, 3 * 3600 + 120),
    JobKind.FORECAST: (1800, 1860),
    JobKind.BATCH_FORECAST: (3600, 3660),
    JobKind.WHAT_IF: (120, 150),
    JobKind.SCORE_SUPPLIERS: (900, 960),
    JobKind.DETECT_DEFECTS: (600, 660),
    JobKind.PLANNING: (1800, 1860),
}


class JobCancelled(Exception):
    pass


class TransientJobError(Exception):
    """A failure worth retrying (a lock timeout, a broker hiccup), unlike a bug or bad data."""


@dataclass
class Outcome:
    """What a handler returns: the job's result and a function writing its rows (run at commit)."""

    result: dict
    write: Callable[[], None] | None = None
    # A batch job whose `write` created child jobs: it stays running until the last child ends.
    waits_for_children: bool = False


@dataclass
class JobSpec:
    validate: Callable[[dict], dict]
    run: Callable[[MLJob, Reporter], Outcome]
    description: str = ""
    children: Callable[[MLJob], list[dict]] | None = field(default=None)


REGISTRY: dict[str, JobSpec] = {}


def job_kind(kind: str, *, validate: Callable[[dict], dict], description: str = ""):
    """Register the handler of one job kind: `@job_kind("forecast", validate=…)`."""

    def decorate(run):
        REGISTRY[kind] = JobSpec(validate=validate, run=run, description=description)
        return run

    return decorate


class Reporter:
    """Progress and heartbeat for the attempt holding `claim`; raises JobCancelled when asked to stop."""

    def __init__(self, job_id: int, claim: uuid.UUID):
        self.job_id = job_id
        self.claim = claim

    def __call__(self, percent: float, message: str = "") -> None:
        percent = int(max(0, min(99, percent)))
        updated = MLJob.objects.filter(pk=self.job_id, claim=self.claim, status=JobStatus.RUNNING).update(
            progress=percent, message=message[:255], heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobCancelled("the job was taken over or stopped")
        if MLJob.objects.filter(pk=self.job_id, cancel_requested=True).exists():
            raise JobCancelled("cancelled by a user")


class _Heartbeat(threading.Thread):
    def __init__(self, job_id: int, claim: uuid.UUID):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.job_id, self.claim = job_id, claim
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_S):
                MLJob.objects.filter(pk=self.job_id, claim=self.claim, status=JobStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a heartbeat that cannot write lets the reaper decide; never crash the job
            logger.exception("heartbeat of job %s failed", self.job_id)
        finally:
            connection.close()


# --- submitting ---------------------------------------------------------------------------------
def job_submit(*, kind: str, params: dict | None = None, user=None, parent: MLJob | None = None) -> MLJob:
    """Validate, store and enqueue (after commit) one job. Bad kinds or params: 400, nothing queued."""
    spec = REGISTRY.get(kind)
    if spec is None:
        raise InvalidInput(
            f"Unknown job kind {kind!r}.",
            code="unknown_job_kind",
            fields={"kind": [f"one of: {', '.join(sorted(REGISTRY))}"]},
        )
    if not isinstance(params, dict):
        raise InvalidInput("params must be an object.", fields={"params": ["must be an object"]})
    clean = spec.validate(dict(params))
    job = MLJob.objects.create(
        kind=kind,
        params=clean,
        parent=parent,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    dispatch_on_commit(job)
    return job


def dispatch_on_commit(job: MLJob) -> None:
    soft, hard = TIME_LIMITS.get(job.kind, (1800, 1860))

    def send():
        from .tasks import run_job

        run_job.apply_async(args=[job.pk], queue="ml", soft_time_limit=soft, time_limit=hard)

    transaction.on_commit(send)


def job_cancel(*, job: MLJob, user=None) -> MLJob:
    if job.is_terminal:
        raise BusinessRuleViolation(
            f"Job {job.pk} already {job.status}.", code="job_finished", fields={"status": [job.status]}
        )
    if job.status == JobStatus.QUEUED:
        MLJob.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
            status=JobStatus.CANCELLED, cancel_requested=True, finished_at=timezone.now(), message="cancelled"
        )
    else:
        MLJob.objects.filter(pk=job.pk).update(cancel_requested=True)
    job.refresh_from_db()
    return job


# --- running ------------------------------------------------------------------------------------
def _claim(job_id: int, worker: str) -> uuid.UUID | None:
    claim = uuid.uuid4()
    now = timezone.now()
    stale = now - timedelta(seconds=STALE_AFTER_S)
    claimed = (
        MLJob.objects.filter(pk=job_id, cancel_requested=False, attempts__lt=F("max_attempts"))
        .filter(Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale))
        .update(
            status=JobStatus.RUNNING,
            claim=claim,
            attempts=F("attempts") + 1,
            heartbeat_at=now,
            started_at=Coalesce(F("started_at"), now),
            worker=worker[:200],
            error="",
        )
    )
    return claim if claimed else None


def _finish(job_id: int, claim: uuid.UUID, **fields) -> bool:
    fields.setdefault("finished_at", timezone.now())
    return bool(MLJob.objects.filter(pk=job_id, claim=claim, status=JobStatus.RUNNING).update(**fields))


def execute_job(job_id: int, *, worker: str = "") -> str:
    """Run one job if this caller can claim it. Returns what happened (for logs and tests)."""
    if not connection.in_atomic_block:
        # A worker between tasks drops a connection the server closed; inside a caller's
        # transaction (eager runs, tests) the connection must be left alone.
        close_old_connections()
    claim = _claim(job_id, worker)
    if claim is None:
        return "skipped"
    job = MLJob.objects.get(pk=job_id)
    spec = REGISTRY.get(job.kind)
    heartbeat = _Heartbeat(job_id, claim)
    heartbeat.start()
    try:
        outcome = spec.run(job, Reporter(job_id, claim))
        with transaction.atomic():
            if outcome.waits_for_children:
                claimed = MLJob.objects.filter(pk=job_id, claim=claim, status=JobStatus.RUNNING).update(
                    result=outcome.result, message="waiting for its chunks", heartbeat_at=timezone.now()
                )
            else:
                claimed = _finish(
                    job_id, claim, status=JobStatus.SUCCEEDED, progress=100, result=outcome.result, message="done"
                )
            if not claimed:
                return "lost-claim"
            if outcome.write:
                outcome.write()
        if outcome.waits_for_children:
            return "waiting"
        _notify_parent(job)
        return "succeeded"
    except JobCancelled as exc:
        _finish(job_id, claim, status=JobStatus.CANCELLED, message=str(exc)[:255])
        _notify_parent(job)
        return "cancelled"
    except TransientJobError as exc:
        # Back to the queue; the task retries it with backoff.
        MLJob.objects.filter(pk=job_id, claim=claim).update(status=JobStatus.QUEUED, claim=None, error=str(exc))
        raise
    except Exception as exc:
        from celery.exceptions import SoftTimeLimitExceeded

        reason = "time limit exceeded" if isinstance(exc, SoftTimeLimitExceeded) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, InvalidInput | BusinessRuleViolation):
            reason = exc.message
        logger.warning("job %s failed: %s", job_id, reason)
        _finish(
            job_id,
            claim,
            status=JobStatus.FAILED,
            error=(reason + "\n\n" + traceback.format_exc())[:20000],
            message=reason[:255],
        )
        _notify_parent(job)
        return "failed"
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=HEARTBEAT_S + 5)


def _notify_parent(job: MLJob) -> None:
    """A chunk finished: when every sibling is terminal, the parent (a batch job) finishes too."""
    if not job.parent_id:
        return
    siblings = MLJob.objects.filter(parent_id=job.parent_id)
    total = siblings.count()
    done = siblings.filter(status__in=TERMINAL).count()
    failed = siblings.filter(status=JobStatus.FAILED).count()
    parent = MLJob.objects.filter(pk=job.parent_id, status=JobStatus.RUNNING)
    if done < total:
        parent.update(
            progress=int(100 * done / max(total, 1)), heartbeat_at=timezone.now(), message=f"{done}/{total} chunks done"
        )
        return
    status = JobStatus.SUCCEEDED if failed == 0 else JobStatus.FAILED
    parent_job = parent.first()
    if parent_job is None:
        return
    parent.update(
        status=status,
        progress=100,
        finished_at=timezone.now(),
        message=f"{total} chunks, {failed} failed",
        result={**(parent_job.result or {}), "chunks": total, "failed_chunks": failed},
    )


def jobs_reap(*, now=None) -> dict:
    """Re-queue jobs whose worker died (heartbeat stopped); fail them after max_attempts."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=STALE_AFTER_S)
    requeued, failed = [], []
    waiting_parents = MLJob.objects.filter(parent__isnull=False).values("parent_id")
    running = MLJob.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale).exclude(pk__in=waiting_parents)
    for job in running:
        if job.attempts >= job.max_attempts:
            if MLJob.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED,
                finished_at=now,
                message="worker lost",
                error=f"the worker stopped heartbeating {job.attempts} times; giving up",
            ):
                failed.append(job.pk)
                _notify_parent(job)
            continue
        with transaction.atomic():
            if MLJob.objects.filter(pk=job.pk, claim=job.claim, status=JobStatus.RUNNING).update(
                status=JobStatus.QUEUED, claim=None, message="re-queued after its worker stopped"
            ):
                requeued.append(job.pk)
                dispatch_on_commit(job)
    return {"requeued": requeued, "failed": failed}
