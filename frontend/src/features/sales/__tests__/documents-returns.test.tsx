import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { API, page, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { ReturnNewPage } from "../routes/ReturnNewPage";
import { ShipmentDetailPage } from "../routes/ShipmentsPage";

const shipment = {
  id: 6,
  version: 1,
  number: "SH-000006",
  order: 3,
  order_number: "SO-000003",
  customer: 2,
  customer_code: "BLUE",
  shipped_at: "2026-11-22T10:00:00Z",
  carrier: "Road Express",
  vehicle: "",
  notes: "",
  lines: [
    { id: 1, line_no: 1, order_line: 1, roll: 41, roll_code: "R-0041", lot: 21, lot_code: "LOT-F1", dye_lot: "DL1", material_code: "FAB", shade_band: "A", grade: "A", weight_kg: "27", qty: "100", unit_cost: "3.5" },
    { id: 2, line_no: 2, order_line: 1, roll: 42, roll_code: "R-0042", lot: 21, lot_code: "LOT-F1", dye_lot: "DL1", material_code: "FAB", shade_band: "A", grade: "A", weight_kg: "24.3", qty: "90", unit_cost: "3.5" },
  ],
};

describe("shipment documents", () => {
  const created: Blob[] = [];
  beforeEach(() => {
    created.length = 0;
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), "blob:weft/1"), revokeObjectURL: () => undefined }));
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => undefined);
  });
  afterEach(() => vi.restoreAllMocks());

  it("downloads the packing list through the API client with the bearer token", async () => {
    signIn("access-9");
    let auth: string | null = null;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))),
      http.get(`${API}/sales/shipments/6/`, () => HttpResponse.json(shipment)),
      http.get(`${API}/sales/shipments/6/packing-list/`, ({ request }) => {
        auth = request.headers.get("Authorization");
        return new HttpResponse(new Uint8Array([37, 80, 68, 70]), { headers: { "Content-Type": "application/pdf", "Content-Disposition": 'attachment; filename="SH-000006-packing-list.pdf"' } });
      }),
    );
    renderWithProviders(<ShipmentDetailPage />, { route: "/sales/shipments/6", path: "/sales/shipments/:id" });
    await userEvent.click(await screen.findByRole("button", { name: "Packing list (PDF)" }));
    expect(await screen.findByText("Downloaded SH-000006-packing-list.pdf.")).toBeInTheDocument();
    expect(auth).toBe("Bearer access-9");
    expect(created).toHaveLength(1);
    expect(created[0].size).toBe(4);
  });

  it("shows the envelope's message when the labels are refused, and a quality inspector gets no buttons", async () => {
    signIn();
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("sales"))),
      http.get(`${API}/sales/shipments/6/`, () => HttpResponse.json(shipment)),
      http.get(`${API}/sales/shipments/6/labels/`, () => HttpResponse.json({ error: { code: "not_found", message: "That shipment has no rolls to label.", fields: {} } }, { status: 404 })),
    );
    const view = renderWithProviders(<ShipmentDetailPage />, { route: "/sales/shipments/6", path: "/sales/shipments/:id" });
    await userEvent.click(await screen.findByRole("button", { name: "Roll labels (PDF)" }));
    expect(await screen.findByText("That shipment has no rolls to label.")).toBeInTheDocument();
    expect(created).toHaveLength(0);
    view.unmount();

    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("quality"))));
    renderWithProviders(<ShipmentDetailPage />, { route: "/sales/shipments/6", path: "/sales/shipments/:id" });
    await screen.findByText("R-0041");
    expect(screen.queryByRole("button", { name: "Packing list (PDF)" })).not.toBeInTheDocument();
  });
});

describe("customer return", () => {
  it("needs a ticked roll and a reason, then posts the chosen rolls against the shipment", async () => {
    signIn();
    let body: unknown = null;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))),
      http.get(`${API}/sales/shipments/`, () => HttpResponse.json(page([shipment]))),
      http.get(`${API}/sales/shipments/6/`, () => HttpResponse.json(shipment)),
      http.get(`${API}/inventory/locations/`, () => HttpResponse.json(page([{ id: 15, code: "QUAR", name: "Quarantine", kind: "quarantine" }]))),
      http.post(`${API}/sales/returns/`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 1, number: "RT-000001" }, { status: 201 });
      }),
    );
    renderWithProviders(<ReturnNewPage />, { route: "/sales/returns/new?shipment=6", path: "/sales/returns/new" });
    await screen.findByLabelText("Return roll R-0041");
    await screen.findByRole("option", { name: "QUAR · Quarantine" });
    await userEvent.click(screen.getByRole("button", { name: "Receive return" }));
    expect(await screen.findByText("Tick at least one returned roll.")).toBeInTheDocument();
    expect(screen.getByText("Say why the customer returned them.")).toBeInTheDocument();
    expect(body).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText("Into quarantine"), "15");
    await userEvent.type(screen.getByLabelText("Reason"), "shade out of band");
    await userEvent.click(screen.getByLabelText("Return roll R-0042"));
    await userEvent.type(screen.getByLabelText("Returned metres of R-0042"), "95");
    await userEvent.click(screen.getByRole("button", { name: "Receive return" }));
    expect(await screen.findByText(/at most the 90 shipped/)).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Returned metres of R-0042"));
    await userEvent.type(screen.getByLabelText("Returned metres of R-0042"), "40");
    await userEvent.click(screen.getByRole("button", { name: "Receive return" }));
    await waitFor(() => expect(body).toEqual({ shipment: 6, location: 15, reason: "shade out of band", lines: [{ roll: 42, qty: "40" }] }));
  });
});
