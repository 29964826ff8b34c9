"""Pieces every page shares: the signed-in client, number formats, material pickers, ML job tracking."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from workbench import api

JOBS = "/api/v1/ml/jobs/"
POLL_S = 1.5
TERMINAL = ("succeeded", "failed", "cancelled")
RUNNING_KEY = "weft_jobs_running"
DONE_KEY = "weft_jobs_done"


def sign_in() -> None:
    """The sign-in form; a success keeps the tokens in session state and opens the workbench."""
    st.title("Weft workbench")
    st.caption(f"Planning with the Weft API at {api.base_url()}")
    with st.form("sign-in"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        if not username or not password:
            st.error("Enter your username and password.")
            return
        try:
            st.session_state[api.AUTH_KEY] = api.login(username, password)
        except api.ApiError as exc:
            st.error(f"Sign-in failed: {exc}", icon=":material/lock:")
            return
        st.rerun()


def client() -> api.Client:
    """The signed-in user's client; a page opened without one (e.g. after expiry) asks to sign in."""
    signed_in = api.current()
    if signed_in is None:
        sign_in()
        st.stop()
    return signed_in


def qty(value) -> str:
    """Quantities as planners read them: thousands separated, one decimal."""
    return "—" if value is None else f"{float(value):,.1f}"


def money(value) -> str:
    return "—" if value is None else f"{float(value):,.2f}"


def percent(value, places: int = 1) -> str:
    return "—" if value is None else f"{100 * float(value):.{places}f}%"


def material_label(material: dict) -> str:
    article = f" · {material['article']}" if material.get("article") else ""
    return f"{material['code']} — {material['name']}{article}"


def materials(c: api.Client, kinds: tuple[str, ...] = ("finished", "garment")) -> list[dict]:
    return api.cached_list(c, "/api/v1/inventory/materials/", {"kind__in": ",".join(kinds), "is_active": "true"})


def search_materials(rows: list[dict], text: str) -> list[dict]:
    """Materials whose code, name or article contains `text` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return rows
    return [m for m in rows if any(needle in str(m.get(f) or "").lower() for f in ("code", "name", "article"))]


# --- ML jobs ------------------------------------------------------------------------------------
def start_job(c: api.Client, slot: str, kind: str, params: dict) -> dict:
    """Submit an ML job (202) and remember it under `slot`, so the page polls it."""
    job = c.post(JOBS, {"kind": kind, "params": params})
    st.session_state.setdefault(RUNNING_KEY, {})[slot] = job["id"]
    st.session_state.setdefault(DONE_KEY, {}).pop(slot, None)
    return job


def finished_job(slot: str) -> dict | None:
    return st.session_state.get(DONE_KEY, {}).get(slot)


def forget_finished(slot: str) -> None:
    st.session_state.get(DONE_KEY, {}).pop(slot, None)


def job_caption(job: dict) -> str:
    message = f" — {job['message']}" if job.get("message") else ""
    return f"{job['kind']} job #{job['id']}: {job['status']} ({float(job.get('progress') or 0):.0f}%){message}"


@st.fragment(run_every=POLL_S)
def _watch(slot: str, job_id: int) -> None:
    c = client()
    with api.shown_errors("Job status"):
        job = c.get(f"{JOBS}{job_id}/")
    if job["status"] in TERMINAL:
        st.session_state.get(RUNNING_KEY, {}).pop(slot, None)
        st.session_state.setdefault(DONE_KEY, {})[slot] = job
        api.forget_reads()
        st.rerun()
    st.progress(min(100, int(float(job.get("progress") or 0))) / 100, text=job_caption(job))
    if st.button("Cancel job", key=f"cancel-{slot}"):
        with api.shown_errors("Cancel"):
            c.post(f"{JOBS}{job_id}/cancel/")


def job_panel(slot: str, describe: Callable[[dict], str] | None = None) -> dict | None:
    """Progress of the job under `slot` while it runs (a polling fragment); its outcome once it ends."""
    running = st.session_state.get(RUNNING_KEY, {}).get(slot)
    if running is not None:
        _watch(slot, running)
        return None
    job = finished_job(slot)
    if job is None:
        return None
    if job["status"] == "succeeded":
        st.success(describe(job) if describe else job_caption(job), icon=":material/check_circle:")
    elif job["status"] == "cancelled":
        st.info(job_caption(job))
    else:
        error = job.get("error") or job.get("message") or "no reason given"
        st.error(f"{job['kind']} job #{job['id']} failed: {error}", icon=":material/error:")
    return job
