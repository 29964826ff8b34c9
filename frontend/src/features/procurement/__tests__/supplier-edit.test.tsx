import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, page, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { SuppliersPage } from "../routes/SuppliersPage";

const supplier = (version: number, extra: object = {}) => ({
  id: 3,
  code: "ACME",
  name: "Acme Knits",
  payment_terms: "30 days",
  address: "",
  is_active: true,
  score: null,
  standing: null,
  version,
  ...extra,
});

describe("editing a document", () => {
  it("sends only the changed fields with If-Match from the ETag, then closes; the list shows the change", async () => {
    signIn();
    let current = supplier(5);
    let seen: { ifMatch: string | null; body: unknown } | null = null;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("purchaser"))),
      http.get(`${API}/procurement/suppliers/`, () => HttpResponse.json(page([current]))),
      http.get(`${API}/procurement/suppliers/3/`, () => HttpResponse.json(current, { headers: { ETag: `"${current.version}"` } })),
      http.patch(`${API}/procurement/suppliers/3/`, async ({ request }) => {
        seen = { ifMatch: request.headers.get("If-Match"), body: await request.json() };
        current = supplier(6, { payment_terms: "45 days" });
        return HttpResponse.json(current, { headers: { ETag: '"6"' } });
      }),
    );
    renderWithProviders(<SuppliersPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Edit supplier ACME" }));
    const name = await screen.findByLabelText("Name");
    await userEvent.clear(name);
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Required.")).toBeInTheDocument();
    expect(seen).toBeNull();
    await userEvent.type(name, "Acme Knits");
    await userEvent.clear(screen.getByLabelText("Payment terms"));
    await userEvent.type(screen.getByLabelText("Payment terms"), "45 days");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(seen).toEqual({ ifMatch: '"5"', body: { payment_terms: "45 days" } }));
    await waitFor(() => expect(screen.queryByRole("form", { name: "Edit supplier ACME" })).not.toBeInTheDocument());
    expect(await screen.findByText("45 days")).toBeInTheDocument();
  });

  it("shows a storekeeper no edit button", async () => {
    signIn();
    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("storekeeper"))), http.get(`${API}/procurement/suppliers/`, () => HttpResponse.json(page([supplier(1)]))));
    renderWithProviders(<SuppliersPage />);
    expect(await screen.findByText("Acme Knits")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Edit supplier ACME" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New supplier" })).not.toBeInTheDocument();
  });
});
