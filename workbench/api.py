"""The workbench's only way into Weft: the REST API, with JWT sign-in kept in the session.

One `requests.Session` per user and API is kept with `st.cache_resource` (connection reuse); the
tokens live in `st.session_state` so each browser tab has its own sign-in. A 401 triggers one
refresh and a retry. Every failure becomes an `ApiError` whose text is a sentence a planner can read.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
import streamlit as st

DEFAULT_URL = "http://127.0.0.1:8000"
TIMEOUT_S = 60
AUTH_KEY = "weft_auth"
PLANNING_ROLES = ("planner", "admin")


def base_url() -> str:
    return os.environ.get("WEFT_API_URL", DEFAULT_URL).rstrip("/")


@dataclass
class ApiError(Exception):
    """An API answer that is not a success, in the API's own error envelope terms."""

    status: int
    code: str
    message: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def __str__(self) -> str:
        details = "; ".join(f"{name}: {', '.join(map(str, problems))}" for name, problems in self.fields.items())
        return f"{self.message} ({details})" if details else self.message

    @classmethod
    def from_response(cls, response: requests.Response) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        envelope = body.get("error") if isinstance(body, dict) else None
        if isinstance(envelope, dict):
            fields = envelope.get("fields") or {}
            fields = {k: v if isinstance(v, list) else [v] for k, v in fields.items()}
            return cls(response.status_code, envelope.get("code") or "error", envelope.get("message") or "", fields)
        reason = response.reason or "error"
        return cls(response.status_code, "http_error", f"The API answered {response.status_code} {reason}.")


@st.cache_resource(show_spinner=False)
def _http_session(api_url: str, username: str) -> requests.Session:
    """One pooled HTTP session per API and user (kept across reruns and tabs of that user)."""
    session = requests.Session()
    session.headers.update({"Accept": "application/json", "User-Agent": "weft-workbench"})
    return session


class Client:
    """Calls the API as the signed-in user; `auth` is the dict kept in session state (updated in place)."""

    def __init__(self, auth: dict, api_url: str | None = None):
        self.auth = auth
        self.api_url = api_url or auth.get("api_url") or base_url()
        self.session = _http_session(self.api_url, auth["username"])

    @property
    def username(self) -> str:
        return self.auth["username"]

    @property
    def roles(self) -> list[str]:
        return list(self.auth.get("roles") or [])

    def may_plan(self) -> bool:
        return any(role in PLANNING_ROLES for role in self.roles) or bool(self.auth.get("is_superuser"))

    # --- HTTP -----------------------------------------------------------------------------------
    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.auth['access']}", **kwargs.pop("headers", {})}
        try:
            return self.session.request(method, f"{self.api_url}{path}", headers=headers, timeout=TIMEOUT_S, **kwargs)
        except requests.RequestException as exc:
            raise ApiError(
                0, "unreachable", f"The Weft API at {self.api_url} cannot be reached ({type(exc).__name__})."
            )

    def request(self, method: str, path: str, **kwargs) -> Any:
        response = self._send(method, path, **kwargs)
        if response.status_code == 401 and self.auth.get("refresh"):
            self.refresh()
            response = self._send(method, path, **kwargs)
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        if response.status_code == 204 or not response.content:
            return None
        if "json" not in response.headers.get("Content-Type", ""):
            return response.content
        return response.json()

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: dict | None = None, **kwargs) -> Any:
        return self.request("POST", path, json=body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: dict) -> Any:
        return self.request("PATCH", path, json=body)

    def list_all(self, path: str, params: dict | None = None, *, limit: int = 2000) -> list[dict]:
        """Every row of a paginated list (pages of 200), up to `limit` rows."""
        query = {**(params or {}), "page_size": 200, "page": 1}
        rows: list[dict] = []
        while len(rows) < limit:
            body = self.get(path, query)
            if isinstance(body, list):
                return body
            rows.extend(body.get("results", []))
            if not body.get("next"):
                break
            query["page"] += 1
        return rows[:limit]

    def refresh(self) -> None:
        response = self.session.post(
            f"{self.api_url}/api/v1/auth/token/refresh/", json={"refresh": self.auth["refresh"]}, timeout=TIMEOUT_S
        )
        if response.status_code != 200:
            self.auth.clear()
            raise ApiError(401, "session_expired", "Your session has expired: please sign in again.")
        tokens = response.json()
        self.auth["access"] = tokens["access"]
        self.auth["refresh"] = tokens.get("refresh", self.auth["refresh"])


def login(username: str, password: str, api_url: str | None = None) -> dict:
    """Sign in and return the auth record (tokens, roles) to keep in session state."""
    api_url = (api_url or base_url()).rstrip("/")
    session = _http_session(api_url, username)
    try:
        response = session.post(
            f"{api_url}/api/v1/auth/token/", json={"username": username, "password": password}, timeout=TIMEOUT_S
        )
    except requests.RequestException as exc:
        raise ApiError(0, "unreachable", f"The Weft API at {api_url} cannot be reached ({type(exc).__name__}).")
    if response.status_code != 200:
        raise ApiError.from_response(response)
    tokens = response.json()
    auth = {"username": username, "access": tokens["access"], "refresh": tokens["refresh"], "api_url": api_url}
    me = Client(auth, api_url).get("/api/v1/users/me/")
    auth.update(roles=me.get("roles") or [], display_name=me.get("display_name") or username)
    auth["is_superuser"] = bool(me.get("is_superuser"))
    return auth


def current() -> Client | None:
    auth = st.session_state.get(AUTH_KEY)
    return Client(auth) if auth and auth.get("access") else None


def logout() -> None:
    auth = st.session_state.pop(AUTH_KEY, None)
    if auth and auth.get("refresh"):
        try:
            Client(auth).post("/api/v1/auth/logout/", {"refresh": auth["refresh"]})
        except ApiError:
            pass  # the refresh token expires on its own; signing out locally is what matters
    st.cache_data.clear()


@contextmanager
def shown_errors(what: str = "") -> Iterator[None]:
    """Show an API failure as one readable line (and stop the page) instead of a traceback."""
    try:
        yield
    except ApiError as exc:
        if exc.code == "session_expired":
            st.session_state.pop(AUTH_KEY, None)
        prefix = f"{what}: " if what else ""
        st.error(f"{prefix}{exc}", icon=":material/error:")
        st.stop()


# --- cached reads -------------------------------------------------------------------------------
@st.cache_data(ttl=60, show_spinner=False)
def _cached(api_url: str, username: str, path: str, params: tuple, _client: Client, every: bool) -> Any:
    query = dict(params)
    return _client.list_all(path, query) if every else _client.get(path, query)


def cached_get(client: Client, path: str, params: dict | None = None) -> Any:
    """A GET cached for a minute per API, user, path and query."""
    return _cached(client.api_url, client.username, path, tuple(sorted((params or {}).items())), client, False)


def cached_list(client: Client, path: str, params: dict | None = None) -> list[dict]:
    """Every row of a list, cached for a minute per API, user, path and query."""
    return _cached(client.api_url, client.username, path, tuple(sorted((params or {}).items())), client, True)


def forget_reads() -> None:
    """After a write: the next read goes to the API."""
    _cached.clear()
