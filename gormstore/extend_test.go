package gormstore

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// planSignup is an application's own signup payload for appUser.
type planSignup struct {
	Plan string `json:"plan" binding:"required,oneof=free pro"`
}

// The hooks, the signup fields and the Go API on a real database: the
// application's columns are written in the same insert as ginjwt's.
func TestSignupFieldsAndHooksOnTheDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *gorm.DB) {
		s := migrated[appUser](t, db)
		auth := ginjwt.MustCompile(ginjwt.Config[appUser]{
			SigningKey: []byte("gormstore-test-key-32-bytes-long"),
			Users:      s, Sessions: s,
			Passwords: password.MustNew(password.TestingOptions()),
			SignupFields: ginjwt.SignupWith(func(_ context.Context, p *planSignup, u *appUser) error {
				u.Plan = p.Plan
				return nil
			}),
			Hooks: ginjwt.Hooks[appUser]{
				BeforeSignup: func(_ context.Context, u *appUser) error {
					u.Credits = 10 // a default
					return nil
				},
				CanSignIn: func(_ context.Context, u appUser) error {
					if u.Beta {
						return ginjwt.Reject(http.StatusForbidden, "Beta accounts are closed")
					}
					return nil
				},
			},
		})
		r := gin.New()
		if err := auth.Mount(r.Group("/auth")); err != nil {
			t.Fatal(err)
		}
		post := func(path, body string) *httptest.ResponseRecorder {
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
			return w
		}
		if w := post("/auth/signup", `{"email":"p@x.io","password":"a long password","plan":"gold"}`); w.Code != 400 {
			t.Fatalf("a plan outside oneof: %d %s", w.Code, w.Body)
		}
		if w := post("/auth/signup", `{"email":"p@x.io","password":"a long password","plan":"pro","credits":999}`); w.Code != 201 {
			t.Fatalf("signup: %d %s", w.Code, w.Body)
		}
		u, err := auth.FindUserByEmail(context.Background(), "P@X.IO")
		if err != nil {
			t.Fatal(err)
		}
		if u.Plan != "pro" || u.Credits != 10 {
			t.Errorf("stored plan %q credits %d, want pro and the hook's 10 (never the body's 999)", u.Plan, u.Credits)
		}
		seeded, err := auth.CreateUser(context.Background(), "beta@x.io", "a long password", func(u *appUser) error {
			u.Beta = true
			return nil
		})
		if err != nil || !seeded.Beta || seeded.Credits != 10 {
			t.Fatalf("CreateUser: %+v %v", seeded, err)
		}
		w := post("/auth/signin", `{"email":"beta@x.io","password":"a long password"}`)
		var body map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != 403 || body["detail"] != "Beta accounts are closed" {
			t.Errorf("the sign-in policy: %d %s", w.Code, w.Body)
		}
		if err := auth.SetActive(context.Background(), seeded.ID, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindUserByID(context.Background(), seeded.ID); got.IsActive() {
			t.Error("SetActive(false) left the user active")
		}
	})
}
