import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it, vi } from "vitest";
import { API, envelope, server } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";
import { FourPointForm } from "../components/FourPointForm";

const roll = { id: 5, code: "R-5", length_m: "91.44", width_cm: "152.4", gsm: "180", points: null, points_per_100yd2: null, grade: "" };
const thresholds = [
  { id: 1, name: "standard", max_points_per_100yd2: "40", description: "" },
  { id: 2, name: "strict", max_points_per_100yd2: "20", description: "" },
];

describe("4-point inspection form", () => {
  it("scores defects live: points per defect, 4-point cap per yard, per 100 yd² and grade", async () => {
    signIn();
    renderWithProviders(<FourPointForm roll={roll} thresholds={thresholds} onDone={() => undefined} />);
    expect(screen.getByLabelText("Inspected yards")).toHaveValue("100");
    expect(screen.getByLabelText("Cuttable width (in)")).toHaveValue("60");
    const add = screen.getByRole("button", { name: "Add defect" });
    await userEvent.click(add);
    await userEvent.type(screen.getByLabelText("Defect 1 length (in)"), "7");
    await userEvent.type(screen.getByLabelText("Defect 1 position (yd)"), "3.2");
    expect(screen.getByLabelText("Defect 1 points")).toHaveTextContent("3");
    await userEvent.click(add);
    await userEvent.selectOptions(screen.getByLabelText("Defect 2 type"), "hole");
    await userEvent.type(screen.getByLabelText("Defect 2 hole size (in)"), "0.5");
    await userEvent.type(screen.getByLabelText("Defect 2 position (yd)"), "3.9");
    expect(screen.getByLabelText("Defect 2 points")).toHaveTextContent("2");
    // same yard: 3 + 2 capped at 4; 4 × 3600 / (100 × 60) = 2.4
    expect(screen.getByLabelText("Roll R-5 score")).toHaveTextContent("4 points · 2.4 per 100 yd² · grade first (limit 40)");

    await userEvent.clear(screen.getByLabelText("Inspected yards"));
    await userEvent.type(screen.getByLabelText("Inspected yards"), "5");
    await userEvent.selectOptions(screen.getByLabelText("Acceptance threshold"), "strict");
    // 4 × 3600 / (5 × 60) = 48 > 20
    expect(screen.getByLabelText("Roll R-5 score")).toHaveTextContent("4 points · 48 per 100 yd² · grade second (limit 20)");
  });

  it("refuses a defect outside the inspected length before sending", async () => {
    signIn();
    const posted = vi.fn();
    server.use(http.post(`${API}/quality/roll-inspections/`, () => (posted(), HttpResponse.json({}))));
    renderWithProviders(<FourPointForm roll={roll} thresholds={thresholds} onDone={() => undefined} />);
    await userEvent.click(screen.getByRole("button", { name: "Add defect" }));
    await userEvent.type(screen.getByLabelText("Defect 1 length (in)"), "2");
    await userEvent.type(screen.getByLabelText("Defect 1 position (yd)"), "150");
    await userEvent.click(screen.getByRole("button", { name: "Save inspection of R-5" }));
    expect(await screen.findByText("Within 0–100 yd.")).toBeInTheDocument();
    expect(posted).not.toHaveBeenCalled();
  });

  it("sends length_in / hole_size_in per defect and puts the server's field errors on the right field", async () => {
    signIn();
    let body: Record<string, unknown> | null = null;
    server.use(
      http.post(`${API}/quality/roll-inspections/`, async ({ request }) => {
        body = (await request.json()) as Record<string, unknown>;
        return HttpResponse.json(envelope("invalid", "A hole is measured by its size.", { "defects.0.hole_size_in": ["required for a hole"] }), { status: 400 });
      }),
    );
    renderWithProviders(<FourPointForm roll={roll} thresholds={thresholds} onDone={() => undefined} />);
    await userEvent.click(screen.getByRole("button", { name: "Add defect" }));
    await userEvent.selectOptions(screen.getByLabelText("Defect 1 type"), "hole");
    await userEvent.type(screen.getByLabelText("Defect 1 hole size (in)"), "2");
    await userEvent.type(screen.getByLabelText("Defect 1 position (yd)"), "1");
    await userEvent.click(screen.getByRole("button", { name: "Save inspection of R-5" }));
    expect(await screen.findByText("required for a hole")).toBeInTheDocument();
    expect(screen.getByLabelText("Defect 1 hole size (in)")).toHaveAttribute("aria-invalid", "true");
    await waitFor(() => expect(body).not.toBeNull());
    expect(body!.defects).toEqual([{ defect_type: "hole", position_yd: "1", hole_size_in: "2" }]);
    expect(body!.roll).toBe(5);
  });
});
