package authtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/password"
)

func init() { gin.SetMode(gin.TestMode) }

// RequestDeadline turns a hung request into a test failure. Nothing waits
// for it when the code works: store calls give up after their own timeout.
const RequestDeadline = 30 * time.Second

// key signs every token of the scenarios: 32 bytes, as HS256 requires.
var key = []byte("authtest-integration-key-32bytes")

// hasher hashes cheaply: the scenarios must not spend seconds on argon2id.
var hasher = password.MustNew(password.TestingOptions())

// Server is one running instance of an application: the auth routes under
// /auth and a protected GET /api/profile that answers the current user.
// Servers made over one database with [NewServer] share the signing key
// and nothing else, like the instances of a deployment.
type Server[U ginjwt.User] struct {
	r *gin.Engine
}

// NewServer builds an engine over the stores, as the example server does,
// with gin's Recovery so that a panic shows up as a 500 and no trusted
// proxy, so that the client IP is the socket's. tweak adjusts the Config
// before it is compiled.
func NewServer[U ginjwt.User](t *testing.T, users ginjwt.UserStore[U], sessions ginjwt.SessionStore, tweak ...func(*ginjwt.Config[U])) *Server[U] {
	t.Helper()
	cfg := ginjwt.Config[U]{
		SigningKey: key,
		Users:      users,
		Sessions:   sessions,
		Passwords:  hasher,
		Logger:     slog.New(slog.DiscardHandler), // the replies say enough
	}
	for _, f := range tweak {
		f(&cfg)
	}
	r := gin.New()
	r.Use(gin.Recovery())
	if err := r.SetTrustedProxies(nil); err != nil {
		t.Fatal(err)
	}
	ginjwt.Mount(r.Group("/auth"), cfg)
	api := r.Group("/api", ginjwt.New(cfg))
	api.GET("/profile", func(c *gin.Context) {
		u, ok := ginjwt.CurrentUser[U](c)
		if !ok {
			c.AbortWithStatusJSON(http.StatusInternalServerError, ginjwt.ErrorBody{Detail: "no user attached"})
			return
		}
		c.JSON(http.StatusOK, u)
	})
	return &Server[U]{r: r}
}

// Send serves req and returns the reply, or an error when the body cannot
// be encoded or the server has not answered within [RequestDeadline]. It
// does not touch a testing.T, so goroutines may call it.
func (s *Server[U]) Send(req Request) (Reply, error) {
	var body bytes.Buffer
	if req.Body != nil {
		if err := json.NewEncoder(&body).Encode(req.Body); err != nil {
			return Reply{}, err
		}
	}
	hr := httptest.NewRequest(req.Method, req.Path, &body)
	hr.Header.Set("Content-Type", "application/json")
	if req.Token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.Token)
	}
	if req.RemoteAddr != "" {
		hr.RemoteAddr = req.RemoteAddr
	}
	w := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.r.ServeHTTP(w, hr)
	}()
	select {
	case <-done:
	case <-time.After(RequestDeadline):
		return Reply{}, fmt.Errorf("%s %s: no answer within %v", req.Method, req.Path, RequestDeadline)
	}
	return Reply{Code: w.Code, Header: w.Header(), Body: w.Body.Bytes()}, nil
}

// Must serves req and fails the test at once if the server hangs.
func (s *Server[U]) Must(t *testing.T, req Request) Reply {
	t.Helper()
	rep, err := s.Send(req)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// Expect serves req and fails the test unless the status is want; an
// error status must come with a {"detail": …} body.
func (s *Server[U]) Expect(t *testing.T, want int, req Request) Reply {
	t.Helper()
	rep := s.Must(t, req)
	if rep.Code != want {
		t.Fatalf("%s %s = %v, want %d", req.Method, req.Path, rep, want)
	}
	if want >= 400 {
		if _, err := rep.Detail(); err != nil {
			t.Fatalf("%s %s: %v", req.Method, req.Path, err)
		}
	}
	return rep
}
