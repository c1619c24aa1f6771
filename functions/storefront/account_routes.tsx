/** @jsxRuntime automatic @jsxImportSource hono/jsx */
/** Sign in, sign up, sign out, and the "signed in on" sessions page with revoke. */
import { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import { api, type Ctx, SignedOut, type StorefrontEnv } from "./deps.ts";
import { mergeGuestCart } from "./guest_cart.ts";
import { rememberCount } from "./cart.ts";
import { Alert, PostButton } from "./layout.tsx";
import { fieldErrors, type Problem, problemMessage } from "./problems.ts";
import { endSession, safeNext, signInFirst, startSession } from "./session.ts";
import { deviceName } from "./user_agent.ts";

type Mode = "signin" | "signup";

function AccountForm(
  props: { mode: Mode; next: string; email?: string; problem?: Problem },
) {
  const signup = props.mode === "signup";
  const errors = fieldErrors(props.problem);
  if (props.problem?.code === "email_taken") errors.email = problemMessage(props.problem);
  const top = props.problem && props.problem.code !== "email_taken"
    ? problemMessage(props.problem)
    : null;
  const field = (name: "email" | "password", label: string, type: string, auto: string) => (
    <>
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        type={type}
        autocomplete={auto}
        required
        value={name === "email" ? props.email ?? "" : undefined}
        aria-invalid={errors[name] ? "true" : undefined}
        aria-describedby={errors[name] ? `${name}-error` : undefined}
      />
      {errors[name]
        ? <p class="field-error" role="alert" id={`${name}-error`}>{errors[name]}</p>
        : null}
    </>
  );
  return (
    <>
      <h1>{signup ? "Create an account" : "Sign in"}</h1>
      {top ? <Alert>{top}</Alert> : null}
      <form method="post" action={signup ? "/signup" : "/signin"}>
        <input type="hidden" name="next" value={props.next} />
        {field("email", "Email", "email", "email")}
        {field("password", "Password", "password", signup ? "new-password" : "current-password")}
        {signup ? <p class="muted">At least 8 characters.</p> : null}
        <p>
          <button type="submit">{signup ? "Create account" : "Sign in"}</button>
        </p>
      </form>
      {signup
        ? (
          <p>
            Already have an account?{" "}
            <a href={`/signin?next=${encodeURIComponent(props.next)}`}>Use your account</a>
          </p>
        )
        : (
          <p>
            New here?{" "}
            <a href={`/signup?next=${encodeURIComponent(props.next)}`}>Create an account</a>
          </p>
        )}
    </>
  );
}

const render = (c: Ctx, mode: Mode, next: string, email?: string, problem?: Problem) =>
  c.render(<AccountForm mode={mode} next={next} email={email} problem={problem} />, {
    title: mode === "signup" ? "Create an account" : "Sign in",
  });

/** The account pages' router. */
export function accountRoutes() {
  const router = new Hono<StorefrontEnv>();
  for (const mode of ["signin", "signup"] as const) {
    router.get(`/${mode}`, (c) => render(c, mode, safeNext(c.req.query("next"))));

    router.post(`/${mode}`, async (c) => {
      const form = await c.req.parseBody();
      const next = safeNext(form.next);
      const body = {
        email: String(form.email ?? "").trim(),
        password: String(form.password ?? ""),
      };
      const { auth } = api(c, undefined);
      const { data, error, response } = mode === "signup"
        ? await auth.POST("/auth/signup", { body })
        : await auth.POST("/auth/login", { body });
      if (!data) {
        c.status(response.status === 401 ? 401 : response.status === 409 ? 409 : 400);
        return render(c, mode, next, body.email, error as Problem);
      }
      startSession(c, data);
      rememberCount(c, await mergeGuestCart(c));
      return c.redirect(next, 303);
    });
  }
  router.post("/signout", async (c) => {
    if (c.get("session")) {
      // Ends the session at auth too, so its refresh token is dead everywhere.
      await api(c).auth.POST("/auth/logout", { body: { scope: "local" } }).catch((err) => {
        if (!(err instanceof SignedOut)) throw err; // already over: nothing to end
      });
    }
    endSession(c);
    deleteCookie(c, "sf_n", { path: "/", secure: true });
    return c.redirect("/", 303);
  });
  router.get("/account", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    const { auth } = api(c);
    const [me, sessions] = await Promise.all([auth.GET("/auth/me"), auth.GET("/auth/sessions")]);
    if (!me.data || !sessions.data) {
      endSession(c);
      return signInFirst(c)!;
    }
    const when = (iso: string) => new Date(iso).toUTCString().replace(/:\d\d GMT$/, " UTC");
    return c.render(
      <>
        <h1>Your account</h1>
        <p>
          Signed in as <strong>{me.data.email}</strong>
        </p>
        <h2>Where you are signed in</h2>
        <ul>
          {sessions.data.sessions.map((s) => (
            <li>
              Signed in on {deviceName(s.user_agent)} since {when(s.created_at)}, last active{" "}
              {when(s.last_used_at)}
              {s.current ? <strong>(this browser)</strong> : (
                <>
                  <PostButton
                    action={`/account/sessions/${s.id}/revoke`}
                    label="Revoke"
                    class="secondary"
                  />
                </>
              )}
            </li>
          ))}
        </ul>
      </>,
      { title: "Your account" },
    );
  });
  router.post("/account/sessions/:id/revoke", async (c) => {
    const redirect = signInFirst(c);
    if (redirect) return redirect;
    await api(c).auth.DELETE("/auth/sessions/{id}", {
      params: { path: { id: c.req.param("id") } },
    });
    return c.redirect("/account", 303);
  });
  return router;
}
