import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { useAuthStore } from "@/lib/auth-store";
import { API, envelope, server } from "@/test/server";
import { renderWithProviders } from "@/test/render";
import { LoginPage } from "../routes/LoginPage";

describe("sign-in form", () => {
  it("validates in the browser before sending anything", async () => {
    let called = false;
    server.use(http.post(`${API}/auth/token/`, () => ((called = true), HttpResponse.json({}))));
    renderWithProviders(<LoginPage />, { route: "/login", path: "/login" });
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Enter your user name.")).toBeInTheDocument();
    expect(screen.getByText("Enter your password.")).toBeInTheDocument();
    expect(screen.getByLabelText("User name")).toHaveAttribute("aria-invalid", "true");
    expect(called).toBe(false);
  });

  it("shows the envelope's message in a banner and its field errors on the fields", async () => {
    server.use(
      http.post(`${API}/auth/token/`, () =>
        HttpResponse.json(envelope("validation_error", "password: This field may not be blank.", { password: ["This field may not be blank."] }), { status: 400 }),
      ),
    );
    renderWithProviders(<LoginPage />, { route: "/login", path: "/login" });
    await userEvent.type(screen.getByLabelText("User name"), "sales");
    await userEvent.type(screen.getByLabelText("Password"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const banner = await screen.findByText("password: This field may not be blank.");
    expect(banner.closest("[role=alert]")).toHaveAttribute("data-code", "validation_error");
    expect(await screen.findByText("This field may not be blank.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
  });

  it("shows the throttling message (429)", async () => {
    server.use(http.post(`${API}/auth/token/`, () => HttpResponse.json(envelope("throttled", "Too many requests; retry in 42 s."), { status: 429 })));
    renderWithProviders(<LoginPage />, { route: "/login", path: "/login" });
    await userEvent.type(screen.getByLabelText("User name"), "sales");
    await userEvent.type(screen.getByLabelText("Password"), "wrong{Enter}");
    expect(await screen.findByText("Too many requests; retry in 42 s.")).toBeInTheDocument();
  });

  it("stores the tokens on success", async () => {
    server.use(http.post(`${API}/auth/token/`, () => HttpResponse.json({ access: "a1", refresh: "r1" })));
    renderWithProviders(<LoginPage />, { route: "/login", path: "/login" });
    await userEvent.type(screen.getByLabelText("User name"), "sales");
    await userEvent.type(screen.getByLabelText("Password"), "weft-admin{Enter}");
    await waitFor(() => expect(useAuthStore.getState().accessToken).toBe("a1"));
  });
});
