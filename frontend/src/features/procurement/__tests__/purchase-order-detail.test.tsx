import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, envelope, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { PurchaseOrderDetailPage } from "../routes/PurchaseOrderDetailPage";

const po = (status: string, version = 3) => ({
  id: 7,
  version,
  number: "PO-000007",
  supplier: 1,
  supplier_code: "ACME",
  supplier_name: "Acme Knits",
  warehouse: 1,
  warehouse_code: "WH1",
  order_date: "2026-11-20",
  expected_date: null,
  currency: "EUR",
  notes: "",
  status,
  total: "700.00",
  lines: [
    { id: 1, line_no: 1, material: 4, material_code: "FAB-1", unit: "m", qty: "200", unit_price: "3.5", amount: "700.00", list_price: "3.5", promised_date: "2026-12-01", qty_received: "0" },
  ],
  status_log: [{ from_status: "", to_status: "draft", user: "purchaser", at: "2026-11-20T10:00:00Z", note: "" }],
});

function withUser(...roles: string[]) {
  signIn();
  server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles(...roles))));
}

const renderPage = () => renderWithProviders(<PurchaseOrderDetailPage />, { route: "/procurement/purchase-orders/7", path: "/procurement/purchase-orders/:id" });

describe("purchase order actions follow the roles", () => {
  it("a storekeeper sees no Approve button on a submitted order", async () => {
    withUser("storekeeper");
    server.use(http.get(`${API}/procurement/purchase-orders/7/`, () => HttpResponse.json(po("submitted"))));
    renderPage();
    await screen.findByText("Purchase order PO-000007");
    await screen.findByText(/FAB-1/);
    expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /cancel order/i })).not.toBeInTheDocument();
  });

  it("a purchase manager approves with Idempotency-Key and If-Match of the version shown", async () => {
    withUser("purchase_manager");
    let headers: Record<string, string | null> = {};
    let current = po("submitted");
    server.use(
      http.get(`${API}/procurement/purchase-orders/7/`, () => HttpResponse.json(current)),
      http.post(`${API}/procurement/purchase-orders/7/approve/`, ({ request }) => {
        headers = { ifMatch: request.headers.get("If-Match"), key: request.headers.get("Idempotency-Key") };
        current = po("approved", 4);
        return HttpResponse.json(current);
      }),
    );
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Approve" }));
    await screen.findByText(/is approved/);
    expect(headers.ifMatch).toBe('"3"');
    expect(headers.key).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument());
  });

  it("a refusal shows the envelope's message", async () => {
    withUser("purchase_manager");
    server.use(
      http.get(`${API}/procurement/purchase-orders/7/`, () => HttpResponse.json(po("submitted"))),
      http.post(`${API}/procurement/purchase-orders/7/approve/`, () =>
        HttpResponse.json(envelope("stale_version", "The document changed (version 4, you sent 3); reload it.", { "If-Match": ["current version is 4"] }), { status: 412 }),
      ),
    );
    renderPage();
    await userEvent.click(await screen.findByRole("button", { name: "Approve" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The document changed (version 4, you sent 3); reload it.");
  });

  it("a purchaser can submit and cancel (with a reason) a draft, but not approve", async () => {
    withUser("purchaser");
    let cancelBody: unknown = null;
    server.use(
      http.get(`${API}/procurement/purchase-orders/7/`, () => HttpResponse.json(po("draft"))),
      http.post(`${API}/procurement/purchase-orders/7/cancel/`, async ({ request }) => {
        cancelBody = await request.json();
        return HttpResponse.json(po("cancelled", 4));
      }),
    );
    renderPage();
    expect(await screen.findByRole("button", { name: "Submit" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Approve" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel order" }));
    await userEvent.type(screen.getByLabelText("Cancel order reason"), "duplicate");
    await userEvent.click(screen.getByRole("button", { name: "Confirm cancel order" }));
    await waitFor(() => expect(cancelBody).toEqual({ note: "duplicate" }));
  });
});
