import { isRouteErrorResponse, useRouteError } from "react-router-dom";

/** The router's last line of defence: an error outside every boundary still shows a page. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : "Unexpected error.";
  return (
    <div role="alert" className="panel error-page">
      <h1>Something went wrong</h1>
      <p>{message}</p>
      <a href="/">Go to the dashboard</a>
    </div>
  );
}
