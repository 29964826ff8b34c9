import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";

/**
 * Session tokens. The access token lives only in memory (it is short-lived and never written
 * anywhere a script from another tab or a later visit could read it). The refresh token is kept
 * in sessionStorage: a reload of the tab (common on a shop-floor terminal) keeps the user signed
 * in, while closing the tab ends the session, and it is never shared with other tabs or written to
 * disk like localStorage would be. The backend rotates and blacklists refresh tokens on use and on
 * logout, so a leaked one is good for one refresh at most.
 */
export interface AuthState {
  accessToken: string | null;
  refreshToken: string | null;
  setTokens: (access: string, refresh?: string | null) => void;
  clear: () => void;
}

export const SESSION_KEY = "weft.session";

export const useAuthStore = create<AuthState>()(
  persist(
    (set) => ({
      accessToken: null,
      refreshToken: null,
      setTokens: (access, refresh) =>
        set((state) => ({ accessToken: access, refreshToken: refresh === undefined ? state.refreshToken : refresh })),
      clear: () => set({ accessToken: null, refreshToken: null }),
    }),
    {
      name: SESSION_KEY,
      storage: createJSONStorage(() => sessionStorage),
      partialize: (state) => ({ refreshToken: state.refreshToken }),
    },
  ),
);

export const isSignedIn = (state: AuthState) => Boolean(state.accessToken || state.refreshToken);
