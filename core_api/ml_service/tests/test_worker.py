"""Real worker processes on real brokers: the embedded default (SQLite + filesystem broker) and
production's (PostgreSQL + Redis). Jobs go in through the API and their results come out of it."""

import pytest

from core.testing import LiveStack

STACKS = [
    pytest.param("sqlite", "embedded", marks=pytest.mark.sqlite_only, id="sqlite-embedded"),
    pytest.param("postgres", "redis", marks=pytest.mark.postgres, id="postgres-redis"),
]
KILLS = 3


def finished(stack, job_id):
    state = job(stack, job_id)
    return state if state["status"] in ("succeeded", "failed", "cancelled") else None


def job(stack, job_id):
    response = stack.call("GET", f"/api/v1/ml/jobs/{job_id}/", as_user="planner")
    assert response.status_code == 200, response.text
    return response.json()


def submit(stack, kind, params, as_user="planner"):
    response = stack.call("POST", "/api/v1/ml/jobs/", as_user=as_user, json={"kind": kind, "params": params})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def versions_of_job(stack, job_id):
    response = stack.call("GET", "/api/v1/ml/models/", params={"name": "inventory_surrogate", "page_size": 200})
    return [v for v in response.json()["results"] if v["job"] == job_id]


@pytest.mark.parametrize(("database", "broker"), STACKS)
def test_job_submitted_through_the_api_completes_on_a_worker(tmp_path, database, broker):
    with LiveStack(tmp_path, database=database, broker=broker) as stack:
        stack.start_worker()
        job_id = submit(stack, "train", {"model": "inventory_surrogate", "n_cases": 200, "n_estimators": 20})
        done = stack.wait_for(
            lambda job_id=job_id: finished(stack, job_id),
            timeout=180,
            what="the training job",
            interval=1,
        )
        assert done["status"] == "succeeded", done["error"] + stack.log("worker")
        assert done["result"]["version"] == 1 and done["attempts"] == 1
        [version] = versions_of_job(stack, job_id)
        assert version["is_champion"] and version["metrics"]["held_out_cases"] == 40


@pytest.mark.parametrize(("database", "broker"), STACKS)
def test_killed_worker_job_completes_exactly_once(tmp_path, database, broker):
    with LiveStack(tmp_path, database=database, broker=broker) as stack:
        stack.start_beat()  # its reaper re-queues jobs whose worker stopped heartbeating
        for round_no in range(KILLS):
            stack.start_worker("worker")
            job_id = submit(stack, "train", {"model": "inventory_surrogate", "n_cases": 2000, "n_estimators": 20})
            stack.wait_for(
                lambda job_id=job_id: job(stack, job_id)["progress"] >= 10,
                timeout=300,
                what=f"round {round_no}: training to be under way",
                interval=0.3,
            )
            stack.kill("worker")
            assert job(stack, job_id)["status"] == "running"
            stack.start_worker("worker")
            done = stack.wait_for(
                lambda job_id=job_id: finished(stack, job_id),
                timeout=400,
                what=f"round {round_no}: the re-queued job",
                interval=1,
            )
            assert done["status"] == "succeeded", done["error"] + stack.log("worker") + stack.log("beat")
            assert done["attempts"] == 2
            assert len(versions_of_job(stack, job_id)) == 1  # exactly one result, no duplicate
            stack.stop("worker")
        versions = stack.call("GET", "/api/v1/ml/models/", params={"name": "inventory_surrogate"}).json()
        assert versions["count"] == KILLS
