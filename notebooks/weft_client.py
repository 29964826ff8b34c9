"""A small REST client of the Weft API for the notebooks (the notebooks never touch the database).

    api = WeftClient("http://127.0.0.1:8000", "planner", "weft-admin")
    weekly = api.weekly_demand()          # long frame unique_id (material), ds (week), y (metres)

`demo_api(tmp)` starts a throw-away Weft stack (core.testing.LiveStack: real API on a temporary
SQLite database), seeds the demo mill through its services, and yields a client — for a notebook run
without a server at hand.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import requests

REPO_DIR = Path(__file__).resolve().parents[1]


class WeftClient:
    def __init__(self, base_url: str, username: str, password: str, *, timeout: float = 60):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        response = self.session.post(
            f"{self.base_url}/api/v1/auth/token/",
            json={"username": username, "password": password},
            timeout=timeout,
        )
        response.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access']}"

    def get(self, path: str, **params) -> dict | list:
        response = self.session.get(f"{self.base_url}{path}", params=params, timeout=self.timeout)
        response.raise_for_status()
        return response.json()

    def get_all(self, path: str, **params) -> list[dict]:
        """Every row of a paginated list endpoint (follows `next`)."""
        rows: list[dict] = []
        url, query = f"{self.base_url}{path}", {"page_size": 200, **params}
        while url:
            response = self.session.get(url, params=query, timeout=self.timeout)
            response.raise_for_status()
            body = response.json()
            if isinstance(body, list):
                return rows + body
            rows.extend(body["results"])
            url, query = body.get("next"), None
        return rows

    def shipments(self) -> pd.DataFrame:
        """One row per shipped roll: material, shipped_at, qty (metres)."""
        records = [
            {"material": line["material_code"], "shipped_at": shipment["shipped_at"], "qty": float(line["qty"])}
            for shipment in self.get_all("/api/v1/sales/shipments/")
            for line in shipment["lines"]
        ]
        frame = pd.DataFrame(records, columns=["material", "shipped_at", "qty"])
        frame["shipped_at"] = pd.to_datetime(frame["shipped_at"], utc=True)
        return frame

    def weekly_demand(self) -> pd.DataFrame:
        """Shipped metres per material and week (weeks start on Monday; empty weeks are zero)."""
        shipped = self.shipments()
        shipped["ds"] = shipped["shipped_at"].dt.tz_localize(None).dt.to_period("W-SUN").dt.start_time
        weekly = shipped.groupby(["material", "ds"], as_index=False)["qty"].sum()
        frames = []
        for material, rows in weekly.groupby("material"):
            weeks = pd.date_range(rows["ds"].min(), rows["ds"].max(), freq="W-MON")
            series = rows.set_index("ds")["qty"].reindex(weeks, fill_value=0.0)
            frames.append(pd.DataFrame({"unique_id": material, "ds": weeks, "y": series.to_numpy()}))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unique_id", "ds", "y"])

    def kpis(self) -> pd.DataFrame:
        body = self.get("/api/v1/kpis/")
        return pd.DataFrame([{"kpi": k["name"], "value": k.get("value"), "unit": k.get("unit")} for k in body["kpis"]])


@contextlib.contextmanager
def demo_api(root: str | os.PathLike, *, years: float = 1.0, seed: int = 42) -> Iterator[WeftClient]:
    """A throw-away Weft (API on a temporary SQLite database) with `years` of demo history."""
    sys.path[:0] = [p for p in (str(REPO_DIR / "core_api"), str(REPO_DIR)) if p not in sys.path]
    from core.testing import PASSWORD, LiveStack

    with LiveStack(Path(root)) as stack:
        stack.manage("seed_demo", "--years", str(years), "--seed", str(seed), timeout=900)
        yield WeftClient(stack.base_url, "admin", PASSWORD)


def connect(root: str | os.PathLike, *, years: float = 1.0) -> contextlib.AbstractContextManager[WeftClient]:
    """The API named by WEFT_API_URL (with WEFT_API_USER / WEFT_API_PASSWORD), else a demo stack."""
    url = os.environ.get("WEFT_API_URL")
    if url:
        client = WeftClient(url, os.environ.get("WEFT_API_USER", "planner"), os.environ["WEFT_API_PASSWORD"])
        return contextlib.nullcontext(client)
    return demo_api(root, years=years)
