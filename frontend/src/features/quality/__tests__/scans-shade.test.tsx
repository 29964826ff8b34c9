import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { API, page, server, userWithRoles } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { DefectScansPage } from "../routes/DefectScansPage";
import { ShadePage } from "../routes/ShadePage";

const scan = (extra: object = {}) => ({
  id: 12,
  image: "/media/scans/12.png",
  roll: 41,
  job: 90,
  model_version: "defect_cnn v3",
  probability: 0.91,
  threshold: 0.5,
  verdict: "defect",
  defect_map: null,
  inspector_label: "",
  inspector_note: "",
  labelled_by: null,
  labelled_at: null,
  created_at: "2026-11-23T10:00:00Z",
  ...extra,
});

describe("defect scans", () => {
  it("an inspector overrules the model's verdict", async () => {
    signIn();
    let body: unknown = null;
    let current = scan();
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("quality"))),
      http.get(`${API}/ml/defect-scans/`, () => HttpResponse.json(page([current]))),
      http.post(`${API}/ml/defect-scans/12/label/`, async ({ request }) => {
        body = await request.json();
        current = scan({ inspector_label: "ok", labelled_by: "quality" });
        return HttpResponse.json(current);
      }),
    );
    renderWithProviders(<DefectScansPage />);
    expect(await screen.findByRole("button", { name: "Confirm defect" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Overrule: ok" }));
    await waitFor(() => expect(body).toEqual({ label: "ok", note: "" }));
    expect(await screen.findByText(/overruled by quality/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Confirm defect" })).not.toBeInTheDocument();
  });

  it("a viewer sees the verdict but cannot label or upload; the upload form checks its file", async () => {
    signIn();
    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("viewer"))), http.get(`${API}/ml/defect-scans/`, () => HttpResponse.json(page([scan()]))));
    const view = renderWithProviders(<DefectScansPage />);
    expect(await screen.findByText(/model:/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Confirm defect" })).not.toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Upload a scan" })).not.toBeInTheDocument();
    view.unmount();

    server.use(http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("quality"))));
    renderWithProviders(<DefectScansPage />);
    await userEvent.click(await screen.findByRole("button", { name: "Upload" }));
    expect(await screen.findByText("Choose an image of the fabric.")).toBeInTheDocument();
  });
});

describe("shade", () => {
  it("checks L*a*b* ranges before sending and shows the server's rule on the standard field", async () => {
    signIn();
    let calls = 0;
    server.use(
      http.get(`${API}/users/me/`, () => HttpResponse.json(userWithRoles("quality"))),
      http.get(`${API}/quality/shade-standards/`, () => HttpResponse.json(page([]))),
      http.get(`${API}/quality/shade-readings/`, () => HttpResponse.json(page([]))),
      http.get(`${API}/inventory/rolls/`, () => HttpResponse.json(page([{ id: 41, code: "R-0041", lot_code: "LOT-F1" }]))),
      http.post(`${API}/quality/shade-readings/`, () => {
        calls += 1;
        return HttpResponse.json({ error: { code: "no_standard", message: "No approved standard for NAVY-01.", fields: { standard: ["no active standard for this roll's shade"] } } }, { status: 422 });
      }),
    );
    renderWithProviders(<ShadePage />);
    await screen.findByRole("option", { name: "R-0041 · LOT-F1" });
    await userEvent.selectOptions(screen.getByLabelText("Roll"), "41");
    await userEvent.type(screen.getByLabelText("Reading L*"), "120");
    await userEvent.type(screen.getByLabelText("Reading a*"), "1");
    await userEvent.type(screen.getByLabelText("Reading b*"), "-20");
    await userEvent.click(screen.getByRole("button", { name: "Save reading" }));
    expect(await screen.findByText("L* from 0 to 100.")).toBeInTheDocument();
    expect(calls).toBe(0);
    await userEvent.clear(screen.getByLabelText("Reading L*"));
    await userEvent.type(screen.getByLabelText("Reading L*"), "32.5");
    await userEvent.click(screen.getByRole("button", { name: "Save reading" }));
    expect(await screen.findByText("no active standard for this roll's shade")).toBeInTheDocument();
    expect(screen.getByLabelText("Against standard")).toHaveAttribute("aria-invalid", "true");
    expect(calls).toBe(1);
  });
});
