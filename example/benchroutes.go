package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// benchRoutes reports whether EXAMPLE_BENCH_ROUTES asks for the pair of
// routes make load compares: GET /bench/hello (public) and GET
// /api/hello (behind the middleware), with one handler and one body, so
// that the ratio of their throughputs is the middleware's cost alone. The
// spec's routes answer different bodies (/ three strings, /api/profile
// the whole user), whose encoding would be counted as the middleware's.
func benchRoutes(lookup func(string) (string, bool)) (bool, error) {
	v, _ := lookup("EXAMPLE_BENCH_ROUTES")
	switch strings.TrimSpace(v) {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, fmt.Errorf("environment variable EXAMPLE_BENCH_ROUTES: %q is not 1 or 0", v)
}

// hello is the handler of both bench routes.
func hello(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"hello": "world"})
}
