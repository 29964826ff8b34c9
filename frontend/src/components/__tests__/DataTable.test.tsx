import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useQuery } from "@tanstack/react-query";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { DataTable, FilterSelect, type Column } from "@/components/DataTable";
import { listQueryOptions } from "@/lib/resource";
import { useListState } from "@/lib/use-list-state";
import { API, page, server } from "@/test/server";
import { renderWithProviders, signIn } from "@/test/render";

interface Row {
  id: number;
  code: string;
}
const columns: Column<Row>[] = [{ key: "code", header: "Code", sortKey: "code" }];

function Harness() {
  const list = useListState({ ordering: "code", pageSize: 2 });
  const query = useQuery(listQueryOptions<Row>("/things/", list.params));
  return (
    <DataTable
      label="Things"
      columns={columns}
      query={query}
      state={list}
      filters={<FilterSelect state={list} name="status" label="Status" options={[{ value: "open", label: "open" }]} />}
    />
  );
}

describe("DataTable", () => {
  it("pages, sorts, searches and filters on the server", async () => {
    signIn();
    const seen: URLSearchParams[] = [];
    server.use(
      http.get(`${API}/things/`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        seen.push(params);
        const p = Number(params.get("page") ?? 1);
        return HttpResponse.json(page([{ id: p * 10, code: `row-${p}` }], 5, p < 3 ? "next" : null));
      }),
    );
    renderWithProviders(<Harness />);
    expect(await screen.findByText("row-1")).toBeInTheDocument();
    expect(screen.getByText("1–2 of 5")).toBeInTheDocument();
    expect(seen.at(-1)?.get("ordering")).toBe("code");
    expect(seen.at(-1)?.get("page_size")).toBe("2");

    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("row-2")).toBeInTheDocument();
    expect(seen.at(-1)?.get("page")).toBe("2");

    await userEvent.click(screen.getByRole("button", { name: /Code/ }));
    await waitFor(() => expect(seen.at(-1)?.get("ordering")).toBe("-code"));
    expect(seen.at(-1)?.get("page")).toBe("1"); // a new sort starts at page 1
    expect(screen.getByRole("columnheader", { name: /Code/ })).toHaveAttribute("aria-sort", "descending");

    await userEvent.type(screen.getByRole("searchbox", { name: "Search Things" }), "navy{Enter}");
    await waitFor(() => expect(seen.at(-1)?.get("search")).toBe("navy"));

    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Status" }), "open");
    await waitFor(() => expect(seen.at(-1)?.get("status")).toBe("open"));
  });

  it("shows the error envelope's message when the list fails", async () => {
    signIn();
    server.use(http.get(`${API}/things/`, () => HttpResponse.json({ error: { code: "forbidden", message: "Your role may not read this.", fields: {} } }, { status: 403 })));
    renderWithProviders(<Harness />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Your role may not read this.");
  });
});
