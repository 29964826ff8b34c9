import { useEffect } from "react";
import { useNotifications, type Notice } from "@/lib/notifications";

function Toast({ notice }: { notice: Notice }) {
  const dismiss = useNotifications((s) => s.dismiss);
  useEffect(() => {
    if (notice.kind === "error") return undefined; // errors stay until read
    const timer = setTimeout(() => dismiss(notice.id), 4000);
    return () => clearTimeout(timer);
  }, [notice, dismiss]);
  return (
    <div className={`toast toast-${notice.kind}`} role={notice.kind === "error" ? "alert" : "status"}>
      <span>{notice.message}</span>
      <button type="button" className="link" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </div>
  );
}

export function Toaster() {
  const notices = useNotifications((s) => s.notices);
  return (
    <div className="toaster" aria-live="polite">
      {notices.map((n) => (
        <Toast key={n.id} notice={n} />
      ))}
    </div>
  );
}
