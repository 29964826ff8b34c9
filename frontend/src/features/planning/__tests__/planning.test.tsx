import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, page, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { PlanningRunPage } from "../routes/PlanningRunPage";
import { PlanningRunsPage } from "../routes/PlanningRunsPage";

const run = (status: string, progress = 100) => ({
  id: 4,
  job: 77,
  status,
  progress,
  message: "",
  horizon_weeks: 12,
  run_date: "2026-11-23",
  start_week: "2026-11-23",
  warehouse: null,
  lot_sizing: "auto",
  note: "",
  summary: status === "succeeded" ? { planned_orders: 2, exceptions: 1 } : null,
  created_at: "2026-11-23T10:00:00Z",
  created_by: "planner",
  completed_at: null,
});

const planned = (id: number, extra: object = {}) => ({
  id,
  run: 4,
  seq: id,
  order_type: "work_order",
  material: 9,
  material_code: "GRG-SJ",
  unit: "m",
  stage: "knitting",
  bom: 3,
  bom_code: "BOM-SJ",
  machine_group: null,
  machine_group_code: "KNIT-1",
  supplier: null,
  supplier_code: null,
  unit_price: null,
  currency: null,
  week: "2026-11-30",
  start_date: "2026-11-25",
  due_date: "2026-11-30",
  net_qty: "150",
  qty: "150",
  lot_sizing: "lot_for_lot",
  load_kg: "40",
  past_due: false,
  pegging: [{ kind: "sales_order_line", id: 1, order: "SO-000012", line_no: 1, requested_date: "2026-12-01", qty: "150" }],
  firmed: false,
  firmed_at: null,
  work_order: null,
  work_order_number: null,
  purchase_order: null,
  purchase_order_number: null,
  ...extra,
});

function runPage(roles: string[], handlers: Parameters<typeof server.use> = []) {
  signIn();
  server.use(
    http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles(...roles))),
    http.get(`${API}/planning/runs/4/`, () => HttpResponse.json(run("succeeded"))),
    http.get(`${API}/planning/planned-orders/`, ({ request }) => {
      const type = new URL(request.url).searchParams.get("type");
      return HttpResponse.json(page(type === "purchase_order" ? [] : [planned(1), planned(2, { firmed: true, work_order: 30, work_order_number: "WO-000030" })]));
    }),
    http.get(`${API}/planning/exceptions/`, () =>
      HttpResponse.json(page([{ id: 1, run: 4, code: "no_supplier", severity: "error", material: 4, material_code: "YRN-30", machine_group_code: null, week: "2026-11-30", qty: "40", message: "YRN-30 has no supplier price." }])),
    ),
    http.get(`${API}/inventory/warehouses/`, () => HttpResponse.json(page([]))),
    http.get(`${API}/inventory/locations/`, () => HttpResponse.json(page([]))),
    ...handlers,
  );
  return renderWithProviders(<PlanningRunPage />, { route: "/planning/runs/4", path: "/planning/runs/:id" });
}

describe("planned orders", () => {
  it("shows pegging and exceptions, and a planner firms the selected orders in one call", async () => {
    let body: unknown = null;
    runPage(["planner"], [
      http.post(`${API}/planning/planned-orders/firm/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json([planned(1, { firmed: true, work_order: 31, work_order_number: "WO-000031" })]);
      }),
    ]);
    expect(await screen.findAllByText(/order SO-000012\/1: 150 by/)).toHaveLength(2);
    expect(await screen.findByText("YRN-30 has no supplier price.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "WO-000030" })).toHaveAttribute("href", "/production/work-orders/30");
    // the firmed one cannot be selected again
    expect(screen.queryByLabelText("Select planned order 2")).not.toBeInTheDocument();
    const bulk = screen.getByRole("button", { name: "Firm selected (0)" });
    expect(bulk).toBeDisabled();
    await userEvent.click(screen.getByLabelText("Select planned order 1"));
    await userEvent.click(screen.getByRole("button", { name: "Firm selected (1)" }));
    await waitFor(() => expect(body).toEqual({ ids: [1] }));
    expect(await screen.findByText("1 planned order(s) firmed.")).toBeInTheDocument();
  });

  it("firms one order with the options chosen", async () => {
    let body: unknown = null;
    runPage(["planner"], [
      http.post(`${API}/planning/planned-orders/1/firm/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(planned(1, { firmed: true }));
      }),
    ]);
    await userEvent.click(await screen.findByRole("button", { name: "Firm planned order 1" }));
    await waitFor(() => expect(body).toEqual({}));
  });

  it("shows a viewer the plan with no way to firm it", async () => {
    runPage(["viewer"]);
    expect((await screen.findAllByText(/order SO-000012\/1/)).length).toBeGreaterThan(0);
    expect(screen.queryByRole("button", { name: /Firm/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Select planned order 1")).not.toBeInTheDocument();
  });
});

describe("starting a run", () => {
  it("validates the horizon, starts the job and follows its progress through the jobs API", async () => {
    signIn();
    let posted: unknown = null;
    let polls = 0;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("planner"))),
      http.get(`${API}/planning/runs/`, () => HttpResponse.json(page([]))),
      http.get(`${API}/inventory/warehouses/`, () => HttpResponse.json(page([]))),
      http.post(`${API}/planning/runs/`, async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json(run("queued", 0), { status: 202 });
      }),
      http.get(`${API}/ml/jobs/77/`, () => {
        polls += 1;
        return HttpResponse.json(
          polls < 2 ? { id: 77, kind: "planning", status: "running", progress: 40, message: "netting", error: null, result: null } : { id: 77, kind: "planning", status: "succeeded", progress: 100, message: "", error: null, result: { run: 4 } },
        );
      }),
    );
    renderWithProviders(<PlanningRunsPage />);
    const horizon = await screen.findByLabelText("Horizon (weeks)");
    await userEvent.clear(horizon);
    await userEvent.type(horizon, "200");
    await userEvent.click(screen.getByRole("button", { name: "Start run" }));
    expect(await screen.findByText("Whole weeks from 1 to 104.")).toBeInTheDocument();
    expect(posted).toBeNull();
    await userEvent.clear(horizon);
    await userEvent.type(horizon, "8");
    await userEvent.click(screen.getByRole("button", { name: "Start run" }));
    await waitFor(() => expect(posted).toEqual({ horizon_weeks: 8, lot_sizing: "auto", warehouse: null, note: "" }));
    const status = await screen.findByRole("status", { name: "Run 4 progress" });
    await within(status).findByText(/netting/);
    expect(await within(status).findByRole("link", { name: "Open run #4" }, { timeout: 5000 })).toHaveAttribute("href", "/planning/runs/4");
    expect(polls).toBeGreaterThanOrEqual(2);
  });

  it("offers a sales clerk no run form", async () => {
    signIn();
    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("sales"))), http.get(`${API}/planning/runs/`, () => HttpResponse.json(page([run("succeeded")]))));
    renderWithProviders(<PlanningRunsPage />);
    expect(await screen.findByRole("link", { name: "#4" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Start run" })).not.toBeInTheDocument();
  });
});
