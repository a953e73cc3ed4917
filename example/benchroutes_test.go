package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With EXAMPLE_BENCH_ROUTES=1 the two routes make load compares answer
// the same body, one public and one behind the middleware, and the
// served document describes them; without it they do not exist.
func TestBenchRoutes(t *testing.T) {
	db := "sqlite://" + filepath.Join(t.TempDir(), "bench.db")
	srv := startApp(t, db, env("JWT_SECRET_KEY", testSecret, "EXAMPLE_BENCH_ROUTES", "1"))
	c := newChecker(t, srv.URL, srv.Client())
	ct := []string{jsonCT, jsonApp}

	pub := c.do("GET", "/bench/hello", "", true)
	c.expect(200, pub)
	c.expect(401, c.do("GET", "/api/hello", "", true))
	c.expect(201, c.do("POST", "/auth/signup", `{"email":"b@example.com","password":"correct horse battery"}`, true, ct...))
	signin := c.do("POST", "/auth/signin", `{"email":"b@example.com","password":"correct horse battery"}`, true, ct...)
	c.expect(200, signin)
	access, _ := tokensOf(signin, false)
	prot := c.do("GET", "/api/hello", "", true, "Authorization", "Bearer "+access)
	c.expect(200, prot)
	assert.Equal(t, string(pub.raw), string(prot.raw), "the two routes answer one body")
	for _, p := range []string{"/bench/hello", "/api/hello"} {
		assert.NotNil(t, c.doc.Paths.Value(p), "%s is in the document", p)
	}

	plain := startApp(t, "sqlite://"+filepath.Join(t.TempDir(), "plain.db"), env("JWT_SECRET_KEY", testSecret))
	resp, err := plain.Client().Get(plain.URL + "/bench/hello")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode, "off by default")

	_, err = newApp(t.Context(), appOptions{DB: "sqlite://" + filepath.Join(t.TempDir(), "bad.db"),
		Lookup: env("JWT_SECRET_KEY", testSecret, "EXAMPLE_BENCH_ROUTES", "yes"), Logger: quiet})
	require.ErrorContains(t, err, "EXAMPLE_BENCH_ROUTES")
}
