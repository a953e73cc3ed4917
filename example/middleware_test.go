package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// A request whose client hung up is not logged as a server error.
func TestRequestLogTellsAHangUpFromAnOutage(t *testing.T) {
	var buf bytes.Buffer
	r := gin.New()
	r.Use(requestLog(slog.New(slog.NewTextHandler(&buf, nil))))
	r.GET("/x", func(c *gin.Context) {
		if err := c.Request.Context().Err(); err != nil {
			_ = c.Error(err)
		}
		c.AbortWithStatus(http.StatusServiceUnavailable)
	})

	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
	if !strings.Contains(buf.String(), "level=ERROR") {
		t.Fatalf("a 503 to a connected client is an error: %s", buf.String())
	}
	buf.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil).WithContext(ctx))
	if got := buf.String(); strings.Contains(got, "level=ERROR") || !strings.Contains(got, "client_gone=true") {
		t.Fatalf("a hang-up is logged as: %s", got)
	}
}
