package main

import (
	"embed"
	"fmt"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// mailMode reads SMTP_URL, APP_URL, SMTP_FROM and
// AUTH_REQUIRE_VERIFIED_EMAIL. With SMTP_URL set (smtp://host:port, no TLS
// on loopback, or smtps://user:pass@host:port) the account-email routes
// are mounted and their links point at APP_URL (default
// http://localhost:8080). AUTH_REQUIRE_VERIFIED_EMAIL=1 makes sign-in
// refuse an unverified email after a correct password.
func mailMode[U ginjwt.User](cfg *ginjwt.Config[U], lookup func(string) (string, bool)) error {
	switch v, _ := lookup("AUTH_REQUIRE_VERIFIED_EMAIL"); strings.TrimSpace(v) {
	case "", "0", "false":
	case "1", "true":
		cfg.RequireVerifiedEmail = true
	default:
		return fmt.Errorf("environment variable AUTH_REQUIRE_VERIFIED_EMAIL: %q is not 1 or 0", v)
	}
	raw, _ := lookup("SMTP_URL")
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	from, _ := lookup("SMTP_FROM")
	if from = strings.TrimSpace(from); from == "" {
		from = "no-reply@localhost"
	}
	mailer, err := ginjwt.ParseSMTPURL(strings.TrimSpace(raw), from)
	if err != nil {
		return fmt.Errorf("environment variable SMTP_URL: %w", err)
	}
	appURL, _ := lookup("APP_URL")
	if appURL = strings.TrimRight(strings.TrimSpace(appURL), "/"); appURL == "" {
		appURL = "http://localhost:8080"
	}
	if u, err := url.Parse(appURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("environment variable APP_URL: %q is not an http(s) URL such as https://app.example.com", appURL)
	}
	cfg.Mail = &ginjwt.MailConfig{
		Mailer:    mailer,
		VerifyURL: appURL + "/verify-email",
		ResetURL:  appURL + "/reset-password",
	}
	return nil
}

//go:embed account
var accountFiles embed.FS

// mountAccountPages serves the targets of the links in the mails. A GET
// only shows a page: its button or form POSTs the token, so a mail
// scanner that fetches the link spends nothing. The token is in the
// address, so the pages send no Referer and are not cached.
func mountAccountPages(r gin.IRouter) {
	page := func(name, contentType string) gin.HandlerFunc {
		return serveEmbedded(accountFiles, "account/"+name, contentType, "Referrer-Policy", "no-referrer")
	}
	r.GET("/verify-email", page("verify-email.html", "text/html; charset=utf-8"))
	r.GET("/reset-password", page("reset-password.html", "text/html; charset=utf-8"))
	r.GET("/account/account.js", page("account.js", "text/javascript; charset=utf-8"))
}
