import { api, apiRequest } from "../api-client";
import { useAuthStore } from "../auth-store";

export interface TokenPair {
  access: string;
  refresh: string;
}

export async function login(username: string, password: string): Promise<TokenPair> {
  const { data } = await apiRequest<TokenPair>("/auth/token/", {
    method: "POST",
    json: { username, password },
    auth: false,
  });
  useAuthStore.getState().setTokens(data.access, data.refresh);
  return data;
}

/** Blacklist the refresh token on the server, then forget both tokens whatever the answer. */
export async function logout(): Promise<void> {
  const { refreshToken, clear } = useAuthStore.getState();
  try {
    if (refreshToken) await api.post("/auth/logout/", { refresh: refreshToken });
  } catch {
    // The token may already be expired or blacklisted; signing out locally is what matters.
  } finally {
    clear();
  }
}
