import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../api-client";
import { can, type Action, type Permissions } from "../roles";
import { useAuthStore } from "../auth-store";

export interface Me {
  id: number;
  username: string;
  email: string;
  display_name: string;
  first_name: string;
  last_name: string;
  is_active: boolean;
  roles: string[];
  /** API route name → methods the permission table lets this user call. */
  permissions: Permissions;
  last_login: string | null;
}

export const getMe = (signal?: AbortSignal) => api.get<Me>("/users/me/", undefined, signal);

export const meQueryOptions = () =>
  queryOptions({ queryKey: ["me"], queryFn: ({ signal }) => getMe(signal), staleTime: 5 * 60_000 });

export function useMe() {
  const signedIn = useAuthStore((s) => Boolean(s.accessToken || s.refreshToken));
  return useQuery({ ...meQueryOptions(), enabled: signedIn });
}

/** Whether the signed-in user's roles allow an action (false while loading). */
export function useCan(action: Action): boolean {
  const { data } = useMe();
  return can(data?.permissions, action);
}
