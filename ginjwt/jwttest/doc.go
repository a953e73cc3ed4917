// Package jwttest mints ginjwt access tokens in tests, so that an
// application can test its own protected handlers without going through
// sign-up and sign-in.
//
// A [Minter] is built from the same [ginjwt.Config] the application's
// engine uses. Its tokens are real: signed with the Config's key, and, when
// the Config has a Sessions store, backed by a live session in it. The user
// a token names must be in the Config's Users store, since the middleware
// loads it on every request.
//
//	func TestProfile(t *testing.T) {
//		cfg := newConfig() // the application's Config, over test stores
//		r := newRouter(cfg)
//		m := jwttest.New(t, cfg)
//		u, err := m.Auth().CreateUser(t.Context(), "ada@example.com", "a long password", nil)
//		if err != nil {
//			t.Fatal(err)
//		}
//
//		req := httptest.NewRequest(http.MethodGet, "/api/profile", nil)
//		req.Header.Set("Authorization", m.Header(m.Token(u)))
//		w := httptest.NewRecorder()
//		r.ServeHTTP(w, req)
//		// w.Code is 200; with m.Expired(u) or m.Tampered(u) it is 401.
//	}
package jwttest
