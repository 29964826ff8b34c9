import { Component, type ErrorInfo, type ReactNode } from "react";

interface Props {
  children: ReactNode;
  /** Changing it (the route path) clears a caught error, so navigating away recovers. */
  resetKey?: unknown;
}
interface State {
  error: Error | null;
}

/** Catches render errors so a broken screen shows a message and a way out, never a blank page. */
export class ErrorBoundary extends Component<Props, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("Screen failed to render", error, info.componentStack);
  }

  componentDidUpdate(prev: Props) {
    if (this.state.error && prev.resetKey !== this.props.resetKey) this.setState({ error: null });
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="panel error-page">
        <h2>This screen failed to load</h2>
        <p>{this.state.error.message || "An unexpected error occurred."}</p>
        <div className="actions">
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
          <button type="button" className="secondary" onClick={() => window.location.assign("/")}>
            Go to the dashboard
          </button>
        </div>
      </div>
    );
  }
}
