import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, envelope, page, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { ReorderRulesPage } from "../routes/ReorderRulesPage";
import { StockCountDetailPage, StockCountsPage } from "../routes/StockCountPages";

const rule = (version: number, min = "100") => ({
  id: 8,
  material: 4,
  material_code: "YRN-30",
  unit: "kg",
  warehouse: 1,
  warehouse_code: "WH1",
  min_qty: min,
  max_qty: "500",
  multiple: "25",
  is_active: true,
  version,
});

describe("reorder rule create", () => {
  function setUp(roles: string[], onPost: (body: unknown) => Response) {
    signIn();
    let rules = [rule(3)];
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles(...roles))),
      http.get(`${API}/inventory/reorder-rules/`, () => HttpResponse.json(page(rules))),
      http.get(`${API}/inventory/materials/`, () =>
        HttpResponse.json(page([{ id: 4, code: "YRN-30", name: "Yarn 30/1", kind: "yarn", unit: "kg" }, { id: 5, code: "YRN-40", name: "Yarn 40/1", kind: "yarn", unit: "kg" }])),
      ),
      http.get(`${API}/inventory/warehouses/`, () => HttpResponse.json(page([{ id: 1, code: "WH1", name: "Main" }]))),
      http.post(`${API}/inventory/reorder-rules/`, async ({ request }) => {
        const body = await request.json();
        const response = onPost(body);
        if (response.status === 201) rules = [...rules, { ...rule(1), id: 9, material: 5, material_code: "YRN-40" }];
        return response;
      }),
    );
    renderWithProviders(<ReorderRulesPage />);
  }

  it("checks the form, puts the server's duplicate error on Material, then creates the rule and lists it", async () => {
    const bodies: unknown[] = [];
    setUp(["planner"], (body) => {
      bodies.push(body);
      return bodies.length === 1
        ? HttpResponse.json(envelope("duplicate", "This material already has a rule for this warehouse.", { material: ["already has a rule for this warehouse"] }), { status: 422 })
        : HttpResponse.json({ ...rule(1), id: 9, material: 5, material_code: "YRN-40" }, { status: 201 });
    });
    await userEvent.click(await screen.findByRole("button", { name: "New rule" }));
    const form = await screen.findByRole("form", { name: "New reorder rule" });
    await userEvent.type(within(form).getByLabelText("Min"), "300");
    await userEvent.type(within(form).getByLabelText("Max"), "200");
    await userEvent.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(await within(form).findByText("Choose a material.")).toBeInTheDocument();
    expect(within(form).getByText("Choose a warehouse.")).toBeInTheDocument();
    expect(within(form).getByText("Max must be at least min.")).toBeInTheDocument();
    expect(bodies).toEqual([]);
    await within(form).findByRole("option", { name: /YRN-40/ });
    await within(form).findByRole("option", { name: /WH1/ });
    await userEvent.selectOptions(within(form).getByLabelText("Material"), "4");
    await userEvent.selectOptions(within(form).getByLabelText("Warehouse"), "1");
    await userEvent.clear(within(form).getByLabelText("Max"));
    await userEvent.type(within(form).getByLabelText("Max"), "900");
    await userEvent.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(await within(form).findByText("already has a rule for this warehouse")).toBeInTheDocument();
    expect(within(form).getByLabelText("Material")).toHaveAttribute("aria-invalid", "true");
    expect(bodies[0]).toEqual({ material: 4, warehouse: 1, min_qty: "300", max_qty: "900", multiple: "1", is_active: true });
    await userEvent.selectOptions(within(form).getByLabelText("Material"), "5");
    await userEvent.click(within(form).getByRole("button", { name: "Create rule" }));
    await waitFor(() => expect(screen.queryByRole("form", { name: "New reorder rule" })).not.toBeInTheDocument());
    expect(await screen.findByRole("button", { name: "Edit rule YRN-40" })).toBeInTheDocument();
    expect(screen.getByText("Reorder rule created.")).toBeInTheDocument();
  });

  it("offers no New rule to a storekeeper", async () => {
    setUp(["storekeeper"], () => HttpResponse.json({}, { status: 201 }));
    expect(await screen.findByText("YRN-30")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New rule" })).not.toBeInTheDocument();
  });
});

describe("reorder rule edit", () => {
  it("sends If-Match with the ETag it read; a 412 says someone else changed it and Reload shows their version", async () => {
    signIn();
    let current = rule(3);
    let ifMatch: string | null = null;
    let body: unknown = null;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("planner"))),
      http.get(`${API}/inventory/reorder-rules/`, () => HttpResponse.json(page([current]))),
      http.get(`${API}/inventory/reorder-rules/8/`, () => HttpResponse.json(current, { headers: { ETag: `"${current.version}"` } })),
      http.patch(`${API}/inventory/reorder-rules/8/`, async ({ request }) => {
        ifMatch = request.headers.get("If-Match");
        body = await request.json();
        // someone saved version 4 in between
        current = rule(4, "150");
        return HttpResponse.json(envelope("stale_version", "The document changed (version 4, you sent 3); reload it.", { "If-Match": ["current version is 4"] }), { status: 412 });
      }),
    );
    renderWithProviders(<ReorderRulesPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit rule YRN-30" }));
    const min = await screen.findByLabelText("Min");
    await userEvent.clear(min);
    await userEvent.type(min, "600");
    await userEvent.click(screen.getByRole("button", { name: "Save rule" }));
    expect(await screen.findByText("Max must be at least min.")).toBeInTheDocument();
    expect(body).toBeNull();
    await userEvent.clear(min);
    await userEvent.type(min, "120");
    await userEvent.click(screen.getByRole("button", { name: "Save rule" }));
    expect(await screen.findByText(/Changed by someone else since you opened it/)).toBeInTheDocument();
    expect(ifMatch).toBe('"3"');
    expect(body).toMatchObject({ min_qty: "120", max_qty: "500" });
    await userEvent.click(screen.getByRole("button", { name: "Reload" }));
    await waitFor(() => expect(screen.getByLabelText("Min")).toHaveValue("150"));
    expect(screen.queryByText(/Changed by someone else/)).not.toBeInTheDocument();
  });

  it("offers a storekeeper no edit button", async () => {
    signIn();
    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))), http.get(`${API}/inventory/reorder-rules/`, () => HttpResponse.json(page([rule(3)]))));
    renderWithProviders(<ReorderRulesPage />);
    expect(await screen.findByText("YRN-30")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit rule YRN-30" })).not.toBeInTheDocument();
  });
});

const count = (version: number, status = "draft") => ({
  id: 2,
  code: "CNT-0002",
  warehouse: 1,
  warehouse_code: "WH1",
  status,
  note: "",
  reason: "",
  posted_at: null,
  posted_by: null,
  version,
  lines: [{ id: 31, lot: 21, lot_code: "LOT-Y1", roll: null, roll_code: null, location: 11, location_code: "STORES", unit: "kg", counted_qty: "480.0000", book_qty: "500.0000", difference: "-20.0000" }],
});

describe("stock count", () => {
  it("saves counted quantities with If-Match, then needs a reason before posting", async () => {
    signIn();
    let current = count(1);
    const calls: { method: string; ifMatch: string | null; body: unknown }[] = [];
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))),
      http.get(`${API}/inventory/stock-counts/2/`, () => HttpResponse.json(current, { headers: { ETag: `"${current.version}"` } })),
      http.patch(`${API}/inventory/stock-counts/2/`, async ({ request }) => {
        calls.push({ method: "PATCH", ifMatch: request.headers.get("If-Match"), body: await request.json() });
        current = { ...count(2), lines: [{ ...count(2).lines[0], counted_qty: "470.0000", difference: "-30.0000" }] };
        return HttpResponse.json(current);
      }),
      http.post(`${API}/inventory/stock-counts/2/post/`, async ({ request }) => {
        calls.push({ method: "POST", ifMatch: request.headers.get("If-Match"), body: await request.json() });
        current = count(3, "posted");
        return HttpResponse.json(current);
      }),
    );
    renderWithProviders(<StockCountDetailPage />, { route: "/inventory/counts/2", path: "/inventory/counts/:id" });
    const input = await screen.findByLabelText("Counted LOT-Y1 at STORES");
    await userEvent.clear(input);
    await userEvent.click(screen.getByRole("button", { name: "Save counted quantities" }));
    expect(await screen.findByText("Enter what you counted (0 or more).")).toBeInTheDocument();
    expect(calls).toHaveLength(0);
    await userEvent.type(input, "470");
    await userEvent.click(screen.getByRole("button", { name: "Save counted quantities" }));
    await waitFor(() => expect(calls[0]).toEqual({ method: "PATCH", ifMatch: '"1"', body: { lines: [{ lot: 21, roll: null, location: 11, counted_qty: "470" }] } }));
    await screen.findByText("-30");
    await userEvent.click(screen.getByRole("button", { name: "Post count" }));
    expect(await screen.findByText("Say why stock differs before posting.")).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    await userEvent.type(screen.getByLabelText("Reason for the differences"), "cycle count: 30 kg short");
    await userEvent.click(screen.getByRole("button", { name: "Post count" }));
    await waitFor(() => expect(calls[1]).toEqual({ method: "POST", ifMatch: '"2"', body: { reason: "cycle count: 30 kg short" } }));
    expect(await screen.findByText("posted")).toBeInTheDocument();
  });
});

describe("new stock count from the book", () => {
  it("loads every stock key of the warehouse (all pages), needs a count for each, and sends rolls with their key", async () => {
    signIn();
    const balanceQueries: URLSearchParams[] = [];
    let body: { lines: unknown[] } | null = null;
    const bal = (id: number, lot: string, roll: string | null, qty: string) => ({
      id,
      material: 4,
      lot: id * 10,
      lot_code: lot,
      roll: roll ? id * 100 : null,
      roll_code: roll,
      location: 11,
      location_code: "STORES",
      on_hand: qty,
      reserved: "0",
      unit: roll ? "m" : "kg",
    });
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))),
      http.get(`${API}/inventory/stock-counts/`, () => HttpResponse.json(page([]))),
      http.get(`${API}/inventory/warehouses/`, () => HttpResponse.json(page([{ id: 1, code: "WH1", name: "Main" }]))),
      http.get(`${API}/inventory/locations/`, () => HttpResponse.json(page([{ id: 11, code: "STORES", name: "Stores", kind: "stores", warehouse: 1 }]))),
      http.get(`${API}/inventory/lots/`, () => HttpResponse.json(page([]))),
      http.get(`${API}/inventory/materials/`, () => HttpResponse.json(page([{ id: 4, code: "YRN-30", name: "Yarn 30/1", kind: "yarn", unit: "kg" }]))),
      http.get(`${API}/inventory/balances/`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        balanceQueries.push(query);
        return query.get("page") === "2"
          ? HttpResponse.json(page([bal(3, "LOT-F1", "R-0007", "95.5")], 3))
          : HttpResponse.json(page([bal(1, "LOT-Y1", null, "500"), bal(2, "LOT-Y2", null, "20")], 3, `${API}/inventory/balances/?page=2`));
      }),
      http.post(`${API}/inventory/stock-counts/`, async ({ request }) => {
        body = (await request.json()) as { lines: unknown[] };
        return HttpResponse.json(envelope("invalid", "Check the highlighted fields.", { "lines.2.counted_qty": ["more than a roll can hold"], "lines.1.lot": ["lot is on hold"] }), { status: 400 });
      }),
    );
    renderWithProviders(<StockCountsPage />);
    await userEvent.click(await screen.findByRole("button", { name: "New count" }));
    const form = await screen.findByRole("form", { name: "New stock count" });
    await userEvent.click(within(form).getByRole("button", { name: "Load book stock" }));
    expect(await within(form).findByText("Choose the warehouse counted.")).toBeInTheDocument();
    expect(balanceQueries).toHaveLength(0);
    await within(form).findByRole("option", { name: /WH1/ });
    await userEvent.selectOptions(within(form).getByLabelText("Warehouse"), "1");
    await within(form).findByRole("option", { name: /YRN-30/ });
    await userEvent.selectOptions(within(form).getByLabelText("Only material"), "4");
    await userEvent.click(within(form).getByRole("button", { name: "Load book stock" }));
    expect(await within(form).findByText("Loaded 3 stock keys from the book; enter what you count.")).toBeInTheDocument();
    expect(balanceQueries.map((q) => [q.get("warehouse"), q.get("material"), q.get("page")])).toEqual([
      ["1", "4", "1"],
      ["1", "4", "2"],
    ]);
    expect(within(form).getByText("(book 500 kg)")).toBeInTheDocument();
    expect(within(form).getByText("(book 95.5 m)")).toBeInTheDocument();
    await userEvent.click(within(form).getByRole("button", { name: "Save draft count" }));
    expect(await within(form).findAllByText("Enter what you counted (0 or more).")).toHaveLength(3);
    expect(body).toBeNull();
    await userEvent.type(within(form).getByLabelText("Counted LOT-Y1 · STORES"), "480");
    await userEvent.type(within(form).getByLabelText("Counted LOT-Y2 · STORES"), "20");
    await userEvent.type(within(form).getByLabelText("Counted LOT-F1 · R-0007 · STORES"), "95.5");
    await userEvent.click(within(form).getByRole("button", { name: "Save draft count" }));
    await waitFor(() => expect(body).not.toBeNull());
    expect(body!.lines).toEqual([
      { lot: 10, location: 11, counted_qty: "480" },
      { lot: 20, location: 11, counted_qty: "20" },
      { lot: 30, location: 11, counted_qty: "95.5", roll: 300 },
    ]);
    // The roll's counted error sits on its input; the lot error (no lot field on a loaded line) goes to the banner.
    expect(await within(form).findByText("more than a roll can hold")).toBeInTheDocument();
    expect(within(form).getByLabelText("Counted LOT-F1 · R-0007 · STORES")).toHaveAttribute("aria-invalid", "true");
    expect(within(form).getByText(/lot is on hold/)).toBeInTheDocument();
  });
});

