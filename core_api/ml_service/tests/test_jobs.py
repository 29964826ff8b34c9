"""The job runner: claims, exactly-once finishing, the reaper, cancellation and batch parents.

These drive `execute_job` in-process with a small handler registered for the test (a unit test of
the runner); the worker-process tests in test_worker.py use real job kinds on real brokers.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from ml_service import jobs
from ml_service.models import JobStatus, MLJob


@pytest.fixture
def counting_kind():
    calls = []

    def validate(params):
        if params.get("n", 1) < 0:
            from core.errors import InvalidInput

            raise InvalidInput("n must be ≥ 0", fields={"params.n": ["must be ≥ 0"]})
        return params

    def run(job, report):
        report(50, "half way")
        calls.append(job.pk)
        if job.params.get("boom"):
            raise RuntimeError("exploded")
        return jobs.Outcome(result={"n": job.params.get("n", 1)})

    jobs.REGISTRY["unit_test"] = jobs.JobSpec(validate=validate, run=run)
    yield calls
    jobs.REGISTRY.pop("unit_test", None)


def make_job(**params):
    return MLJob.objects.create(kind="unit_test", params=params)


@pytest.mark.django_db
def test_job_runs_once_and_records_result(counting_kind):
    job = make_job(n=3)
    assert jobs.execute_job(job.pk, worker="w1") == "succeeded"
    assert jobs.execute_job(job.pk, worker="w2") == "skipped"  # a redelivered message is a no-op
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.result == {"n": 3} and job.progress == 100
    assert job.attempts == 1 and counting_kind == [job.pk]


@pytest.mark.django_db
def test_failure_is_stored_on_the_job(counting_kind):
    job = make_job(boom=True)
    assert jobs.execute_job(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "exploded" in job.error and job.finished_at


@pytest.mark.django_db
def test_running_job_with_fresh_heartbeat_is_not_taken_twice(counting_kind):
    job = make_job()
    MLJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=timezone.now(), attempts=1)
    assert jobs.execute_job(job.pk) == "skipped"
    assert counting_kind == []


@pytest.mark.django_db
def test_reaper_requeues_a_dead_workers_job_then_it_completes_once(counting_kind, django_capture_on_commit_callbacks):
    job = make_job()
    dead = timezone.now() - timedelta(seconds=jobs.STALE_AFTER_S + 5)
    MLJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=dead, attempts=1, claim=None)
    with django_capture_on_commit_callbacks(execute=True):  # the re-dispatch runs eagerly in tests
        assert jobs.jobs_reap() == {"requeued": [job.pk], "failed": []}
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2 and counting_kind == [job.pk]


@pytest.mark.django_db
def test_reaper_gives_up_after_max_attempts(counting_kind):
    job = make_job()
    dead = timezone.now() - timedelta(seconds=jobs.STALE_AFTER_S + 5)
    MLJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, heartbeat_at=dead, attempts=3)
    assert jobs.jobs_reap()["failed"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "3 times" in job.error


@pytest.mark.django_db
def test_an_attempt_that_lost_its_claim_cannot_finish(counting_kind):
    job = make_job()
    original_run = jobs.REGISTRY["unit_test"].run

    def taken_over(job_obj, report):
        # Meanwhile the reaper gave the job to another worker (a new claim).
        MLJob.objects.filter(pk=job_obj.pk).update(claim=None)
        return original_run(job_obj, lambda *a, **k: None)

    jobs.REGISTRY["unit_test"].run = taken_over
    assert jobs.execute_job(job.pk) == "lost-claim"
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.result is None


@pytest.mark.django_db
def test_cancel_queued_and_running(counting_kind, admin_client):
    queued = make_job()
    jobs.job_cancel(job=queued)
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED
    assert jobs.execute_job(queued.pk) == "skipped"

    running = make_job()
    jobs.REGISTRY["unit_test"].run = lambda job, report: (jobs.job_cancel(job=job), report(60))
    assert jobs.execute_job(running.pk) == "cancelled"
    running.refresh_from_db()
    assert running.status == JobStatus.CANCELLED


@pytest.mark.django_db
def test_parent_finishes_when_last_child_ends(counting_kind):
    parent = MLJob.objects.create(kind="unit_test", status=JobStatus.RUNNING, heartbeat_at=timezone.now())
    children = [MLJob.objects.create(kind="unit_test", params={"n": i}, parent=parent) for i in range(3)]
    for child in children[:2]:
        jobs.execute_job(child.pk)
    parent.refresh_from_db()
    assert parent.status == JobStatus.RUNNING and parent.progress == 66
    jobs.execute_job(children[2].pk)
    parent.refresh_from_db()
    assert parent.status == JobStatus.SUCCEEDED and parent.result["chunks"] == 3
