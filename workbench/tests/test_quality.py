"""Quality page: Pareto and points per 100 yd² are the API's; a scan's verdict is shown."""

from __future__ import annotations

from pathlib import Path

from workbench.pages.quality import month_starts, verdict_line

from .conftest import api_get, open_page, run_job

SCANS_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "fabric-small" / "Images"


def test_points_and_pareto_are_the_apis(stack, mill):
    at = open_page(stack, "quality", "pages/quality.py")
    assert not at.error, [e.value for e in at.error]
    periods = month_starts(6)
    kpi = api_get(
        stack,
        "/api/v1/kpis/points-per-100yd2/",
        **{"from": periods[0][0].isoformat(), "to": periods[-1][1].isoformat()},
    )
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Points per 100 yd²"] == f"{kpi['value']:,.2f}"
    assert metrics["Rolls inspected"] == str(kpi["rolls"])
    by_supplier = at.dataframe[1].value
    assert dict(zip(by_supplier["supplier"], by_supplier["points per 100 yd²"], strict=True)) == {
        row["key"]: row["value"] for row in kpi["by_supplier"]
    }
    inspections = api_get(stack, "/api/v1/quality/roll-inspections/", page_size=200)["results"]
    totals = {}
    for inspection in inspections:
        if inspection["created_at"][:10] >= periods[0][0].isoformat():
            for d in inspection["defects"]:
                name = d["defect_type"].replace("_", " ")
                totals[name] = totals.get(name, 0) + d["points"]
    pareto = at.dataframe[0].value
    assert dict(zip(pareto["defect"], pareto["points"], strict=True)) == totals
    assert list(pareto["points"]) == sorted(pareto["points"], reverse=True)
    assert pareto["cumulative share"].iloc[-1] == 1.0


def test_scan_verdict_and_defect_map(stack, mill):
    image = sorted(SCANS_DIR.glob("*.jpg"))[0]
    with image.open("rb") as handle:
        response = stack.call(
            "POST", "/api/v1/ml/defect-scans/", as_user="quality", files={"image": (image.name, handle, "image/jpeg")}
        )
    assert response.status_code == 202, response.text
    scan = response.json()
    run_job_id = scan["job"]
    stack.wait_for(
        lambda: stack.call("GET", f"/api/v1/ml/jobs/{run_job_id}/").json()["status"] == "succeeded",
        timeout=120,
        what="the CNN verdict",
    )
    scan = api_get(stack, f"/api/v1/ml/defect-scans/{scan['id']}/")
    at = open_page(stack, "quality", "pages/quality.py")
    shown = [e.value for e in at.error] + [s.value for s in at.success]
    assert verdict_line(scan) in shown
    assert verdict_line(scan).startswith(f"Scan #{scan['id']}: {'DEFECT' if scan['verdict'] == 'defect' else 'OK'}")
    assert at.get("plotly_chart")

    next(b for b in at.button if b.label == "It is OK").click()  # the inspector overrules or confirms
    at.run()
    labelled = api_get(stack, f"/api/v1/ml/defect-scans/{scan['id']}/")
    assert labelled["inspector_label"] == "ok" and labelled["labelled_by"] == "quality"
    assert any(c.value.startswith("Inspector quality said: ok.") for c in at.caption)


def test_planners_see_verdicts_but_do_not_upload(stack):
    at = open_page(stack, "planner", "pages/quality.py")
    assert "Quality inspectors upload scans; everyone sees the verdicts." in [c.value for c in at.caption]


__all__ = ["run_job"]
