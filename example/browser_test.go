package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The browser tests drive the demo page and attacker pages in Debian's
// headless Chromium. They skip loudly without it, and fail under CI=true
// (make test installs it; see scripts/ensure-chromium.sh).

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "chromium is not installed: the browser tests cannot run (scripts/ensure-chromium.sh installs it)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	fmt.Fprintln(os.Stderr, "SKIP "+t.Name()+": "+msg)
	t.Skip(msg)
	return ""
}

// browser starts a fresh headless Chromium with the flags this machine's
// closed network needs, and returns a tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	ctx, cancelTab := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "starting chromium")
	return ctx
}

// seen is one request the example server answered.
type seen struct {
	method, path, origin, csrf string
	accessCookie               bool
	status                     int
}

// recorder wraps the example server and remembers what it answered, so
// that a test can assert what reached the server and how it was judged.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	log  []seen
	cond *sync.Cond
}

func newRecorder(next http.Handler) *recorder {
	r := &recorder{next: next}
	r.cond = sync.NewCond(&r.mu)
	return r
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: 200}
	r.next.ServeHTTP(sw, req)
	_, err := req.Cookie("__Host-access_token")
	r.mu.Lock()
	r.log = append(r.log, seen{req.Method, req.URL.Path, req.Header.Get("Origin"), req.Header.Get("X-CSRF-Token"), err == nil, sw.status})
	r.cond.Broadcast()
	r.mu.Unlock()
}

// await waits until the server has answered a request matching want, or
// the deadline passes.
func (r *recorder) await(t *testing.T, what string, want func(seen) bool) seen {
	t.Helper()
	deadline := time.AfterFunc(20*time.Second, func() { r.mu.Lock(); r.cond.Broadcast(); r.mu.Unlock() })
	defer deadline.Stop()
	start := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := 0; ; {
		for ; i < len(r.log); i++ {
			if want(r.log[i]) {
				s := r.log[i]
				r.log = append(r.log[:i:i], r.log[i+1:]...)
				return s
			}
		}
		if time.Since(start) >= 20*time.Second {
			t.Fatalf("the server never answered %s", what)
		}
		r.cond.Wait()
	}
}

// permissiveCORS stands for an application that misconfigured CORS: it
// lets any origin make credentialed requests with any header. Only the
// Origin check then stands between a same-host attacker who can read the
// CSRF cookie and the user's session.
func permissiveCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
			w.Header().Set("Vary", "Origin")
		}
		if r.Method == http.MethodOptions {
			w.Header().Set("Access-Control-Allow-Methods", "POST, DELETE")
			w.Header().Set("Access-Control-Allow-Headers", "X-CSRF-Token, Content-Type")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func listen(t *testing.T, h http.Handler) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}

// attackerPages serves the attacker's pages: /form posts a form, /fetch
// sends a credentialed fetch; both target the app at target.
func attackerPages(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/form":
			// enctype text/plain with a name ending in `"x":"` and value
			// `"}` sends a JSON body, the classic login-CSRF trick.
			fmt.Fprintf(w, `<!doctype html><form id="f" method="POST" action="%s%s" enctype="text/plain">
<input type="hidden" name='%s' value='"}'></form><script>document.getElementById("f").submit()</script>`,
				target, q.Get("path"), q.Get("json")+`,"x":"`)
		case "/fetch":
			fmt.Fprintf(w, `<!doctype html><p id="out">pending</p><script>
const token = (document.cookie.split("; ").find(c => c.startsWith("__Host-csrf_token=")) || "=").split("=")[1];
fetch(%q, {method: "POST", credentials: "include", headers: {"X-CSRF-Token": token}})
  .then(r => document.getElementById("out").textContent = "status " + r.status)
  .catch(e => document.getElementById("out").textContent = "blocked " + e);
</script>`, target+q.Get("path"))
		default:
			http.NotFound(w, r)
		}
	})
}

func TestBrowserCookieMode(t *testing.T) {
	ctx := browser(t)
	start := time.Now()

	// The attacker's pages: one server, reached as http://localhost:<port>
	// (same site as the app, another origin) and as
	// http://127.0.0.1:<port> (another site). The same-site origin of a
	// second server is trusted, so that the CSRF-token layer can be tested
	// on its own.
	lateTarget := &targetHandler{}
	evilPort := listen(t, lateTarget)
	trustedPort := listen(t, lateTarget)
	evil := fmt.Sprintf("http://localhost:%d", evilPort)
	trusted := fmt.Sprintf("http://localhost:%d", trustedPort)
	crossSite := fmt.Sprintf("http://127.0.0.1:%d", evilPort)

	a, err := newApp(context.Background(), appOptions{
		DB: "sqlite://" + filepath.Join(t.TempDir(), "browser.db"),
		Lookup: env("JWT_SECRET_KEY", testSecret, "AUTH_COOKIES", "1",
			"AUTH_TRUSTED_ORIGINS", trusted),
		Logger: quiet,
	})
	require.NoError(t, err)
	t.Cleanup(a.Close)
	rec := newRecorder(a.Handler)
	appPort := listen(t, permissiveCORS(rec))
	app := fmt.Sprintf("http://localhost:%d", appPort)
	lateTarget.set(attackerPages(app))
	c := client{t, nil}

	// 1. The demo flow.
	step := func(id, want string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.ID(id)),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`["%s", "error"].includes(document.getElementById("status").dataset.step)`, want),
				chromedp.WithPollingTimeout(15*time.Second)),
		)
		got, err2 := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + document.getElementById("status").dataset.step + ": " + document.getElementById("status").textContent`))
		require.NoError(t, err, "after %s: %s (%v)", id, got, err2)
		require.NoError(t, err2)
		require.Contains(t, got, " "+want+":", "after %s", id)
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(app+"/demo/"),
		chromedp.SetValue(chromedp.ID("email"), "grace@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "correct horse battery"),
	))
	step("signup", "signed-up")
	step("signin", "profile")
	profile, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("user")))
	require.NoError(t, err)
	assert.Contains(t, profile, "grace@example.com")

	cookies := func() map[string]string {
		t.Helper()
		res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{app + "/auth/refresh"}})
		require.NoError(t, err)
		out := map[string]string{}
		for _, ck := range res.Cookies {
			out[ck.Name] = ck.Value
		}
		return out
	}
	jar := cookies()
	require.NotEmpty(t, jar["__Host-access_token"], "%v", jar)
	require.NotEmpty(t, jar["__Secure-refresh_token"])
	require.NotEmpty(t, jar["__Host-csrf_token"])
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.cookie`))
	require.NoError(t, err)
	assert.Contains(t, visible, "__Host-csrf_token="+jar["__Host-csrf_token"], "scripts read the CSRF cookie")
	assert.NotContains(t, visible, "access_token")
	assert.NotContains(t, visible, "refresh_token")
	assert.NotContains(t, visible, jar["__Host-access_token"])
	assert.NotContains(t, visible, jar["__Secure-refresh_token"])

	step("refresh", "refreshed")
	after := cookies()
	assert.NotEqual(t, jar["__Secure-refresh_token"], after["__Secure-refresh_token"], "the refresh cookie rotated")
	assert.Equal(t, jar["__Host-csrf_token"], after["__Host-csrf_token"], "the CSRF token did not")
	step("profile", "profile")

	// The server's own view of the browser's session: the access cookie
	// works from outside the browser, and the password is unchanged.
	live := func() bool {
		t.Helper()
		code, _, _, _ := c.doURL("GET", app+"/auth/me", "", "", "Cookie", "__Host-access_token="+cookies()["__Host-access_token"])
		return code == 200
	}
	passwordUnchanged := func() bool {
		t.Helper()
		code, _, _, _ := c.doURL("POST", app+"/auth/signin", `{"email":"grace@example.com","password":"correct horse battery"}`, "", "Content-Type", "application/json")
		return code == 200
	}
	require.True(t, live())

	// 2. The CSRF-token layer alone: a trusted same-site origin without
	// the token. The form carries the access cookie (SameSite=Lax lets
	// same-site requests have it) and passes the Origin check.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(trusted+"/form?path=/auth/password&json="+
		`{"current_password":"correct horse battery","new_password":"owned by the attacker"`)))
	s := rec.await(t, "the trusted form's password change", func(s seen) bool { return s.path == "/auth/password" })
	assert.True(t, s.accessCookie, "the attack carried the access cookie")
	assert.Equal(t, trusted, s.origin)
	assert.Equal(t, 403, s.status, "the missing CSRF token stopped it")
	assert.True(t, live(), "the session is still live")
	assert.True(t, passwordUnchanged(), "the password is unchanged")

	// 3. The Origin layer alone: an untrusted same-site origin that,
	// through the misconfigured CORS, reads the CSRF cookie and sends it.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(evil+"/fetch?path=/auth/logout-all")))
	s = rec.await(t, "the untrusted fetch's logout-all", func(s seen) bool { return s.path == "/auth/logout-all" && s.method == "POST" })
	assert.True(t, s.accessCookie, "the attack carried the access cookie")
	assert.Equal(t, jar["__Host-csrf_token"], s.csrf, "and the right CSRF token")
	assert.Equal(t, 403, s.status, "the foreign Origin stopped it")
	assert.True(t, live(), "the session is still live")

	// 4. A cross-site text/plain form that would sign the browser in as
	// the attacker.
	code, _, _, _ := c.doURL("POST", app+"/auth/signup", `{"email":"mallory@example.com","password":"mallory's password"}`, "", "Content-Type", "application/json")
	require.Equal(t, 201, code)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(app+"/demo/")))
	step("logout", "logged-out")
	assert.Empty(t, cookies(), "logout cleared the cookies")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(crossSite+"/form?path=/auth/signin&json="+
		`{"email":"mallory@example.com","password":"mallory's password"`)))
	s = rec.await(t, "the cross-site signin", func(s seen) bool { return s.path == "/auth/signin" && s.origin == crossSite })
	assert.Contains(t, []int{403, 415}, s.status)
	assert.Empty(t, cookies(), "the browser is not signed in")
	// The same form from the trusted same-site origin meets the 415.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(trusted+"/form?path=/auth/signin&json="+
		`{"email":"mallory@example.com","password":"mallory's password"`)))
	s = rec.await(t, "the trusted form's signin", func(s seen) bool { return s.path == "/auth/signin" && s.origin == trusted })
	assert.Equal(t, 415, s.status)
	assert.Empty(t, cookies(), "the browser is not signed in")

	// 5. The control: the same fetch as in 3 from the trusted origin
	// succeeds, so the harness does see an attack that gets through.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(app+"/demo/"),
		chromedp.SetValue(chromedp.ID("email"), "grace@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "correct horse battery"),
	))
	step("signin", "profile")
	require.True(t, live())
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(trusted+"/fetch?path=/auth/logout-all")))
	s = rec.await(t, "the control's logout-all", func(s seen) bool { return s.path == "/auth/logout-all" && s.method == "POST" })
	assert.Equal(t, 204, s.status)
	assert.False(t, live(), "with both layers passed, the attack would work")

	t.Logf("browser scenarios took %s", time.Since(start).Round(time.Millisecond))
}

// targetHandler lets the attacker's servers start before the app whose
// address their pages name.
type targetHandler struct {
	mu sync.Mutex
	h  http.Handler
}

func (t *targetHandler) set(h http.Handler) { t.mu.Lock(); t.h = h; t.mu.Unlock() }

func (t *targetHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	h := t.h
	t.mu.Unlock()
	h.ServeHTTP(w, r)
}

// doURL is client.do for an absolute URL.
func (c client) doURL(method, url, body, token string, headers ...string) (int, http.Header, map[string]any, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(c.t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var obj map[string]any
	_ = json.Unmarshal(raw, &obj)
	return resp.StatusCode, resp.Header, obj, string(raw)
}
