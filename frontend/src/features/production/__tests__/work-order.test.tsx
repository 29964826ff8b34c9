import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, page, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { BomNewPage } from "../routes/BomPages";
import { WorkOrderDetailPage, WorkOrderNewPage } from "../routes/WorkOrderPages";

const wo = (status: string, version = 2, extra: object = {}) => ({
  id: 5,
  version,
  number: "WO-000005",
  bom: 3,
  bom_code: "BOM-SJ",
  product: 9,
  product_code: "GRG-SJ",
  unit: "m",
  stage: "knitting",
  status,
  planned_qty: "100",
  output_qty: "0",
  source_location: 11,
  output_location: 12,
  machine: 7,
  machine_code: "KN-02",
  dye_lot: "",
  input_kg: "0",
  output_kg: "0",
  process_loss_pct: null,
  input_value: "0",
  output_value: "0",
  due_date: null,
  notes: "",
  reservations: [],
  inputs: [],
  outputs: [],
  log: [],
  ...extra,
});

function setUp(roles: string[], order: object, handlers: Parameters<typeof server.use> = []) {
  signIn();
  server.use(
    http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles(...roles))),
    http.get(`${API}/production/work-orders/5/`, () => HttpResponse.json(order)),
    http.get(`${API}/production/boms/3/`, () => HttpResponse.json({ id: 3, version: 1, code: "BOM-SJ", product: 9, product_code: "GRG-SJ", shade_code: "", unit: "m", stage: "knitting", conversion_cost: "0", is_active: true, components: [{ id: 1, material: 4, material_code: "YRN-30", qty_per_unit: "0.27", basis: "unit", loss_pct: "2" }] })),
    http.get(`${API}/inventory/lots/`, () => HttpResponse.json(page([{ id: 21, code: "LOT-Y1", material: 4, material_code: "YRN-30", unit: "kg", qc_status: "released", on_hand: "500" }]))),
    http.get(`${API}/inventory/locations/`, () => HttpResponse.json(page([{ id: 11, code: "STORES", name: "Stores", kind: "stores" }]))),
    ...handlers,
  );
  return renderWithProviders(<WorkOrderDetailPage />, { route: "/production/work-orders/5", path: "/production/work-orders/:id" });
}

describe("work order stage actions", () => {
  it("releases a draft with the chosen strategy, Idempotency-Key and If-Match", async () => {
    let seen: { body?: unknown; ifMatch?: string | null; key?: string | null } = {};
    setUp(["production"], wo("draft"), [
      http.post(`${API}/production/work-orders/5/release/`, async ({ request }) => {
        seen = { body: await request.json(), ifMatch: request.headers.get("If-Match"), key: request.headers.get("Idempotency-Key") };
        return HttpResponse.json(wo("released", 3));
      }),
    ]);
    await userEvent.selectOptions(await screen.findByLabelText("Reservation strategy"), "same_dye_lot");
    await userEvent.click(screen.getByRole("button", { name: "Release" }));
    await waitFor(() => expect(seen.body).toEqual({ strategy: "same_dye_lot" }));
    expect(await screen.findByText("WO-000005 released; material reserved.")).toBeInTheDocument();
    expect(seen.ifMatch).toBe('"2"');
    expect(seen.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a storekeeper may issue material but sees no release, output or complete", async () => {
    setUp(["storekeeper"], wo("in_progress"));
    expect(await screen.findByRole("form", { name: "Issue from lots" })).toBeInTheDocument();
    expect(screen.getByText("KN-02")).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Record output" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Complete" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Release" })).not.toBeInTheDocument();
  });

  it("issues named lots and puts the server's line error on its field", async () => {
    let body: unknown = null;
    setUp(["production"], wo("released"), [
      http.post(`${API}/production/work-orders/5/issue/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { error: { code: "over_issue", message: "That is more than the BOM allows.", fields: { "lines.0.qty": ["over the BOM: 27.54 kg needed"] } } },
          { status: 422 },
        );
      }),
    ]);
    const form = await screen.findByRole("form", { name: "Issue from lots" });
    await userEvent.click(within(form).getByRole("button", { name: "Issue these lots" }));
    expect(await within(form).findByText("Choose a lot.")).toBeInTheDocument();
    expect(body).toBeNull();
    await screen.findByRole("option", { name: /LOT-Y1/ });
    await userEvent.selectOptions(within(form).getByLabelText("Issue from lots line 1 lot"), "21");
    await userEvent.type(within(form).getByLabelText("Issue from lots line 1 quantity"), "40");
    await userEvent.click(within(form).getByRole("button", { name: "Issue these lots" }));
    await waitFor(() => expect(body).toEqual({ lines: [{ lot: 21, location: 11, qty: "40" }] }));
    expect(await within(form).findByText("over the BOM: 27.54 kg needed")).toBeInTheDocument();
    expect(within(form).getByLabelText("Issue from lots line 1 quantity")).toHaveAttribute("aria-invalid", "true");
  });

  it("records output rolls after validating them, then offers Complete", async () => {
    let body: unknown = null;
    setUp(["production"], wo("in_progress"), [
      http.post(`${API}/production/work-orders/5/output/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(wo("in_progress", 3, { output_qty: "95" }), { status: 201 });
      }),
    ]);
    const form = await screen.findByRole("form", { name: "Record output" });
    await userEvent.click(within(form).getByRole("button", { name: "Record output" }));
    expect(await within(form).findByText("Enter the roll's length in metres.")).toBeInTheDocument();
    expect(body).toBeNull();
    await userEvent.type(within(form).getByLabelText("Output roll 1 length m"), "95");
    await userEvent.type(within(form).getByLabelText("Output roll 1 weight kg"), "-2");
    await userEvent.click(within(form).getByRole("button", { name: "Record output" }));
    expect(await within(form).findByText(/Above zero, or blank/)).toBeInTheDocument();
    await userEvent.clear(within(form).getByLabelText("Output roll 1 weight kg"));
    await userEvent.type(within(form).getByLabelText("Output roll 1 weight kg"), "25.6");
    await userEvent.click(within(form).getByRole("button", { name: "Record output" }));
    await waitFor(() => expect(body).toEqual({ dye_lot: "", rolls: [{ length_m: "95", weight_kg: "25.6" }] }));
    expect(await screen.findByText("Output recorded.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Complete" })).toBeInTheDocument();
  });
});

describe("new work order", () => {
  it("offers only the BOM stage's active machines and sends the one chosen", async () => {
    signIn();
    const machineQueries: string[] = [];
    let body: unknown = null;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("production"))),
      http.get(`${API}/production/boms/`, () =>
        HttpResponse.json(page([{ id: 3, version: 1, code: "BOM-SJ", product: 9, product_code: "GRG-SJ", shade_code: "", unit: "m", stage: "knitting", conversion_cost: "0", is_active: true, components: [] }])),
      ),
      http.get(`${API}/inventory/locations/`, () => HttpResponse.json(page([{ id: 11, code: "STORES", name: "Stores", kind: "stores" }]))),
      http.get(`${API}/production/machines/`, ({ request }) => {
        machineQueries.push(new URL(request.url).search);
        return HttpResponse.json(page([{ id: 7, code: "KN-02", name: "Circular knitter 2", stage: "knitting", is_active: true }]));
      }),
      http.post(`${API}/production/work-orders/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(
          { error: { code: "wrong_machine_stage", message: "KN-02 is a dyeing machine; this work order is at knitting.", fields: { machine: ["not a knitting machine"] } } },
          { status: 422 },
        );
      }),
    );
    renderWithProviders(<WorkOrderNewPage />);
    const machine = await screen.findByLabelText("Machine");
    expect(within(machine).getByRole("option", { name: "Choose a BOM first" })).toBeInTheDocument();
    expect(machineQueries).toEqual([]);
    await screen.findByRole("option", { name: /BOM-SJ/ });
    await userEvent.selectOptions(screen.getByLabelText("BOM"), "3");
    await within(machine).findByRole("option", { name: /KN-02/ });
    const query = new URLSearchParams(machineQueries.at(-1));
    expect(query.get("stage")).toBe("knitting");
    expect(query.get("is_active")).toBe("true");
    await userEvent.type(screen.getByLabelText("Planned quantity"), "100");
    await userEvent.selectOptions(screen.getByLabelText("Issue from"), "11");
    await userEvent.selectOptions(screen.getByLabelText("Output to"), "11");
    await userEvent.selectOptions(machine, "7");
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(body).toMatchObject({ bom: 3, planned_qty: "100", machine: 7 }));
    expect(await screen.findByText("not a knitting machine")).toBeInTheDocument();
    expect(machine).toHaveAttribute("aria-invalid", "true");
  });

  it("drops a chosen machine when the BOM changes, and then sends none", async () => {
    signIn();
    let body: Record<string, unknown> | null = null;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("production"))),
      http.get(`${API}/production/boms/`, () =>
        HttpResponse.json(
          page([
            { id: 3, version: 1, code: "BOM-SJ", product: 9, product_code: "GRG-SJ", shade_code: "", unit: "m", stage: "knitting", conversion_cost: "0", is_active: true, components: [] },
            { id: 4, version: 1, code: "BOM-TW", product: 10, product_code: "GRG-TW", shade_code: "", unit: "m", stage: "weaving", conversion_cost: "0", is_active: true, components: [] },
          ]),
        ),
      ),
      http.get(`${API}/inventory/locations/`, () => HttpResponse.json(page([{ id: 11, code: "STORES", name: "Stores", kind: "stores" }]))),
      http.get(`${API}/production/machines/`, ({ request }) =>
        HttpResponse.json(
          page(new URL(request.url).searchParams.get("stage") === "knitting" ? [{ id: 7, code: "KN-02", name: "Circular knitter 2", stage: "knitting", is_active: true }] : []),
        ),
      ),
      http.post(`${API}/production/work-orders/`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(wo("draft", 1), { status: 201 });
      }),
      http.get(`${API}/production/work-orders/5/`, () => HttpResponse.json(wo("draft", 1))),
    );
    renderWithProviders(<WorkOrderNewPage />);
    await screen.findByRole("option", { name: /BOM-SJ/ });
    await userEvent.selectOptions(screen.getByLabelText("BOM"), "3");
    const machine = screen.getByLabelText("Machine");
    await within(machine).findByRole("option", { name: /KN-02/ });
    await userEvent.selectOptions(machine, "7");
    await userEvent.selectOptions(screen.getByLabelText("BOM"), "4");
    await waitFor(() => expect(machine).toHaveValue(""));
    await userEvent.type(screen.getByLabelText("Planned quantity"), "100");
    await screen.findAllByRole("option", { name: /STORES/ });
    await userEvent.selectOptions(screen.getByLabelText("Issue from"), "11");
    await userEvent.selectOptions(screen.getByLabelText("Output to"), "11");
    await userEvent.click(screen.getByRole("button", { name: "Create draft" }));
    await waitFor(() => expect(body).not.toBeNull());
    expect(body!.machine).toBeNull();
  });
});

describe("BOM form", () => {
  it("validates before sending and shows server errors on the fields they name", async () => {
    signIn();
    let calls = 0;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("production"))),
      http.get(`${API}/inventory/materials/`, () =>
        HttpResponse.json(page([{ id: 9, code: "GRG-SJ", name: "Greige jersey", kind: "greige", unit: "m" }, { id: 4, code: "YRN-30", name: "Yarn 30/1", kind: "yarn", unit: "kg" }])),
      ),
      http.post(`${API}/production/boms/`, () => {
        calls += 1;
        return HttpResponse.json(
          { error: { code: "invalid", message: "Check the highlighted fields.", fields: { code: ["a BOM with this code exists"], "components.0.material": ["a product cannot be its own component"] } } },
          { status: 400 },
        );
      }),
    );
    renderWithProviders(<BomNewPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Save BOM" }));
    expect(await screen.findByText("Choose the product this BOM makes.")).toBeInTheDocument();
    expect(screen.getByText("Above zero.")).toBeInTheDocument();
    expect(calls).toBe(0);
    await screen.findAllByRole("option", { name: /GRG-SJ/ });
    await userEvent.type(screen.getByLabelText("BOM code"), "BOM-SJ");
    await userEvent.selectOptions(screen.getByLabelText("Product"), "9");
    await userEvent.selectOptions(screen.getByLabelText("Stage"), "knitting");
    await userEvent.selectOptions(screen.getByLabelText("Component 1 material"), "9");
    await userEvent.type(screen.getByLabelText("Component 1 quantity per unit"), "0.27");
    await userEvent.click(screen.getByRole("button", { name: "Save BOM" }));
    expect(await screen.findByText("a BOM with this code exists")).toBeInTheDocument();
    expect(screen.getByText("a product cannot be its own component")).toBeInTheDocument();
    expect(screen.getByLabelText("BOM code")).toHaveAttribute("aria-invalid", "true");
    expect(calls).toBe(1);
  });

  it("tells a storekeeper that BOMs are kept by production", async () => {
    signIn();
    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))), http.get(`${API}/inventory/materials/`, () => HttpResponse.json(page([]))));
    renderWithProviders(<BomNewPage />);
    expect(await screen.findByText("Only production supervisors keep BOMs.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save BOM" })).not.toBeInTheDocument();
  });
});
