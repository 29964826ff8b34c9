import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { z } from "zod";
import { ErrorBanner } from "@/components/ErrorBanner";
import { TextField } from "@/components/Field";
import { useAuthStore } from "@/lib/auth-store";
import { login } from "@/lib/auth/session";
import { applyServerErrors } from "@/lib/forms";

const schema = z.object({
  username: z.string().trim().min(1, "Enter your user name."),
  password: z.string().min(1, "Enter your password."),
});
type LoginForm = z.infer<typeof schema>;

/** Only same-app paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const signedIn = useAuthStore((s) => Boolean(s.accessToken || s.refreshToken));
  const form = useForm<LoginForm>({ resolver: zodResolver(schema), defaultValues: { username: "", password: "" } });
  const mutation = useMutation({
    mutationFn: (values: LoginForm) => login(values.username, values.password),
    meta: { silent: true },
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: ["me"] });
      navigate(safeNext(params.get("next")), { replace: true });
    },
    onError: (error) => applyServerErrors(error, form.setError, ["username", "password"]),
  });

  if (signedIn && !mutation.isPending && !mutation.isSuccess) return <Navigate to={safeNext(params.get("next"))} replace />;

  const { errors } = form.formState;
  return (
    <div className="login-page">
      <form className="panel login" onSubmit={form.handleSubmit((v) => mutation.mutate(v))} noValidate>
        <h1>Weft</h1>
        <p className="muted">Sign in to record receipts, inspections, orders and shipments.</p>
        <ErrorBanner error={mutation.error} />
        <TextField label="User name" autoComplete="username" autoFocus error={errors.username?.message} {...form.register("username")} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={errors.password?.message}
          {...form.register("password")}
        />
        <button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </div>
  );
}
