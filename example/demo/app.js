// The demo page's script: every call goes to the same origin, sends JSON,
// and echoes the CSRF token (from its cookie) on unsafe requests.
"use strict";

const csrfCookie = "__Host-csrf_token";

function csrfToken() {
  for (const part of document.cookie.split("; ")) {
    const eq = part.indexOf("=");
    if (part.slice(0, eq) === csrfCookie) return part.slice(eq + 1);
  }
  return "";
}

function show(step, text) {
  const out = document.getElementById("status");
  out.dataset.step = step;
  out.textContent = text || step;
  document.getElementById("cookies").textContent = document.cookie;
}

async function call(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  const resp = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await resp.text();
  return { status: resp.status, data: text ? JSON.parse(text) : null };
}

function creds() {
  return {
    email: document.getElementById("email").value,
    password: document.getElementById("password").value,
  };
}

const actions = {
  async signup() {
    const r = await call("POST", "/auth/signup", creds());
    show(r.status === 201 ? "signed-up" : "error", r.status === 201 ? "signed up" : r.data.detail);
  },
  async signin() {
    const r = await call("POST", "/auth/signin", creds());
    if (r.status !== 200) return show("error", r.data.detail);
    show("signed-in", "signed in; access token expires in " + r.data.expires_in + "s");
    await actions.profile();
  },
  async profile() {
    const r = await call("GET", "/api/profile");
    document.getElementById("user").textContent = r.status === 200 ? JSON.stringify(r.data, null, 2) : "";
    show(r.status === 200 ? "profile" : "error", r.status === 200 ? "profile of " + r.data.email : r.data.detail);
  },
  async refresh() {
    const r = await call("POST", "/auth/refresh");
    show(r.status === 200 ? "refreshed" : "error", r.status === 200 ? "refreshed" : r.data.detail);
  },
  async logout() {
    const r = await call("POST", "/auth/logout");
    document.getElementById("user").textContent = "";
    show(r.status === 204 ? "logged-out" : "error", r.status === 204 ? "logged out" : r.data.detail);
  },
};

for (const [id, fn] of Object.entries(actions)) {
  document.getElementById(id).addEventListener("click", () => {
    show("busy", "…");
    fn().catch((e) => show("error", String(e)));
  });
}
show("ready");
