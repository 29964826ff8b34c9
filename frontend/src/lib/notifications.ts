import { create } from "zustand";

export type NoticeKind = "error" | "success" | "info";
export interface Notice {
  id: number;
  kind: NoticeKind;
  message: string;
}

interface NoticeState {
  notices: Notice[];
  push: (kind: NoticeKind, message: string) => number;
  dismiss: (id: number) => void;
  clear: () => void;
}

let nextId = 1;

/** Toasts: UI state only (what is on screen), never server data. */
export const useNotifications = create<NoticeState>()((set) => ({
  notices: [],
  push: (kind, message) => {
    const id = nextId++;
    // The same message twice in a row (two failing queries) is shown once.
    set((s) => ({
      notices: s.notices.some((n) => n.message === message && n.kind === kind)
        ? s.notices
        : [...s.notices.slice(-4), { id, kind, message }],
    }));
    return id;
  },
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  clear: () => set({ notices: [] }),
}));

export const notify = {
  error: (message: string) => useNotifications.getState().push("error", message),
  success: (message: string) => useNotifications.getState().push("success", message),
  info: (message: string) => useNotifications.getState().push("info", message),
};
