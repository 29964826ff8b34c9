import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ErrorBoundary } from "@/components/ErrorBoundary";

function Broken(): JSX.Element {
  throw new Error("roll.length_m is undefined");
}

describe("ErrorBoundary", () => {
  it("shows a message and a way out instead of a blank page", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    render(
      <ErrorBoundary>
        <Broken />
      </ErrorBoundary>,
    );
    expect(screen.getByRole("alert")).toHaveTextContent("This screen failed to load");
    expect(screen.getByText("roll.length_m is undefined")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Go to the dashboard" })).toBeInTheDocument();
    spy.mockRestore();
  });
});
