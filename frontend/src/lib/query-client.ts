import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, errorMessage } from "./api-error";
import { notify } from "./notifications";

declare module "@tanstack/react-query" {
  interface Register {
    defaultError: ApiError | Error;
    mutationMeta: { /** The form shows the error itself: no toast. */ silent?: boolean; success?: string };
  }
}

export function createQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        // A failing background refetch of data already on screen gets a toast; a first load shows
        // its error where the data would be.
        if (query.state.data !== undefined) notify.error(errorMessage(error));
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _vars, _ctx, mutation) => {
        if (mutation.meta?.silent) return;
        // A stale If-Match: say plainly what happened and what to do.
        if (error instanceof ApiError && error.status === 412) notify.error(`Changed by someone else since you opened it — reload. ${error.message}`);
        else notify.error(errorMessage(error));
      },
      onSuccess: (_data, _vars, _ctx, mutation) => {
        if (mutation.meta?.success) notify.success(mutation.meta.success);
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => {
          if (error instanceof ApiError && error.status > 0 && error.status < 500) return false;
          return count < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
