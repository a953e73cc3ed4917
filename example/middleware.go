package main

import (
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// requestLog logs one line per request, with the errors handlers recorded
// through c.Error (ginjwt puts the cause of every rejection there).
func requestLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		attrs := []any{
			"method", c.Request.Method,
			"path", c.Request.URL.Path,
			"status", c.Writer.Status(),
			"duration", time.Since(start),
			"ip", c.ClientIP(),
		}
		if len(c.Errors) > 0 {
			attrs = append(attrs, "error", c.Errors.Last().Err.Error())
		}
		level := slog.LevelInfo
		switch {
		case c.Request.Context().Err() != nil:
			// The client hung up mid-request: the store call it cancelled
			// reads as an outage, but nobody got the 503 and nothing is
			// wrong with the server.
			attrs = append(attrs, "client_gone", true)
		case c.Writer.Status() >= 500:
			level = slog.LevelError
		}
		logger.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// recovery turns a panic into a JSON 500 and logs it; it should never fire.
func recovery(logger *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, err any) {
		logger.Error("example: panic", "error", err, "path", c.Request.URL.Path)
		c.AbortWithStatusJSON(http.StatusInternalServerError, ginjwt.ErrorBody{Detail: "Internal server error"})
	})
}
