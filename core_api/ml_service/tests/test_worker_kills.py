"""A worker SIGKILLed again and again while a queue of jobs runs: every job still ends once, with one
result (0 lost, 0 duplicated). WEFT_HOSTILE_KILLS sets the number of kills (the benchmark raises it);
each kill hits a job not killed before, so no job runs out of attempts."""

import os

import pytest

from core.testing import LiveStack
from core.tests.hostile.fuzz import record
from ml_service.tests.test_worker import finished, job, submit, versions_of_job

KILLS = int(os.environ.get("WEFT_HOSTILE_KILLS", "3"))
STACKS = [pytest.param("sqlite", "embedded", marks=pytest.mark.sqlite_only, id="sqlite-embedded")]
if os.environ.get("WEFT_HOSTILE_ALL_STACKS"):
    STACKS.append(pytest.param("postgres", "redis", marks=pytest.mark.postgres, id="postgres-redis"))
PARAMS = {"model": "inventory_surrogate", "n_cases": 2000, "n_estimators": 20}


@pytest.mark.parametrize(("database", "broker"), STACKS)
def test_repeatedly_killed_worker_loses_and_duplicates_no_job(tmp_path, database, broker):
    with LiveStack(tmp_path, database=database, broker=broker) as stack:
        stack.start_beat()  # its reaper re-queues jobs whose worker stopped heartbeating
        stack.start_worker("worker")
        jobs = [submit(stack, "train", PARAMS) for _ in range(KILLS + 1)]
        killed: list[int] = []
        for round_no in range(KILLS):
            # Wait for a job that has not been killed yet to be well under way, then kill its worker.
            def victim(round_no=round_no):
                for job_id in jobs:
                    if job_id not in killed:
                        state = job(stack, job_id)
                        if state["status"] == "running" and state["progress"] >= 10:
                            return job_id
                return None

            job_id = stack.wait_for(victim, timeout=400, what=f"kill {round_no}: a fresh job under way", interval=0.3)
            stack.kill("worker")
            killed.append(job_id)
            stack.start_worker("worker")
        outcomes = {
            job_id: stack.wait_for(
                lambda job_id=job_id: finished(stack, job_id), timeout=600, what=f"job {job_id}", interval=1
            )
            for job_id in jobs
        }
        lost = [j for j, state in outcomes.items() if state["status"] != "succeeded"]
        results = {j: len(versions_of_job(stack, j)) for j in jobs}
        duplicated = [j for j, n in results.items() if n > 1]
        missing = [j for j, n in results.items() if n == 0]
        record(
            "worker_kills",
            kills=len(killed),
            jobs=len(jobs),
            lost=len(lost) + len(missing),
            duplicated=len(duplicated),
        )
        assert not lost, {j: outcomes[j]["error"] for j in lost} | {"worker": stack.log("worker")}
        assert not duplicated and not missing, results
        assert sorted(killed) == sorted(set(killed)) and len(killed) == KILLS
        for job_id in jobs:
            assert outcomes[job_id]["attempts"] == (2 if job_id in killed else 1), outcomes[job_id]
