import { useQueryClient } from "@tanstack/react-query";
import { NavLink, Outlet, useLocation, useNavigate, useNavigation } from "react-router-dom";
import { ErrorBoundary } from "@/components/ErrorBoundary";
import { useMe } from "@/lib/auth/me";
import { logout } from "@/lib/auth/session";
import { humanize } from "@/lib/format";
import { navFor } from "./nav";

export function Layout() {
  const { data: me } = useMe();
  const location = useLocation();
  const navigation = useNavigation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const sections = navFor(me?.roles ?? [], me?.permissions);

  const signOut = async () => {
    await logout();
    queryClient.clear();
    navigate("/login", { replace: true });
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Weft</span>
        <span className="user" data-testid="current-user">
          {me?.display_name || me?.username}
          <span className="muted"> · {(me?.roles ?? []).map(humanize).join(", ") || "no role"}</span>
        </span>
        <button type="button" className="secondary" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav className="sidebar" aria-label="Main">
        {sections.map((section) => (
          <div key={section.label} className="nav-section">
            <h2>{section.label}</h2>
            <ul>
              {section.items.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.to === "/"}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" tabIndex={-1} aria-busy={navigation.state === "loading" || undefined}>
        {navigation.state === "loading" && (
          <p className="muted" role="status">
            Opening…
          </p>
        )}
        <ErrorBoundary resetKey={location.pathname}>
          <Outlet />
        </ErrorBoundary>
      </main>
    </div>
  );
}
