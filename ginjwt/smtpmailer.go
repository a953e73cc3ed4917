package ginjwt

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SMTPSecurity is how an [SMTPMailer] protects its connection.
type SMTPSecurity int

const (
	// SMTPStartTLS upgrades a plain connection with STARTTLS, and refuses
	// to send when the server does not offer it, except to a loopback
	// address (a local relay or a test server).
	SMTPStartTLS SMTPSecurity = iota
	// SMTPImplicitTLS speaks TLS from the first byte (port 465, "smtps").
	SMTPImplicitTLS
)

// DefaultSMTPTimeout bounds one whole SMTP conversation.
const DefaultSMTPTimeout = 30 * time.Second

// SMTPMailer is a [Mailer] that sends through an SMTP server (net/smtp),
// one connection per mail. Each mail carries Date and Message-ID headers,
// is plain UTF-8 text in quoted-printable, and refuses header injection.
type SMTPMailer struct {
	// Addr is the server, "host:port". Required.
	Addr string
	// From is the sender, a bare address or "Name <address>". Required.
	From string
	// Username and Password, when Username is set, authenticate with
	// PLAIN, which is only sent over TLS or to a loopback address.
	Username, Password string
	// Security is SMTPStartTLS (default) or SMTPImplicitTLS.
	Security SMTPSecurity
	// TLSConfig, when set, is used for TLS; default verifies the host
	// name of Addr.
	TLSConfig *tls.Config
	// Timeout bounds each mail's conversation, connect included.
	// Default 30s; the earlier of it and ctx's deadline wins.
	Timeout time.Duration
}

// ParseSMTPURL reads an SMTP_URL: "smtp://[user:pass@]host:port" (STARTTLS
// when offered; required unless the host is a loopback address) or
// "smtps://[user:pass@]host:port" (implicit TLS). from is the sender.
func ParseSMTPURL(raw, from string) (*SMTPMailer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("ginjwt: SMTP URL: %w", err)
	}
	m := &SMTPMailer{From: from}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		m.Security = SMTPStartTLS
		if port == "" {
			port = "587"
		}
	case "smtps":
		m.Security = SMTPImplicitTLS
		if port == "" {
			port = "465"
		}
	default:
		return nil, fmt.Errorf("ginjwt: SMTP URL: scheme must be smtp or smtps, got %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("ginjwt: SMTP URL: no host")
	}
	m.Addr = net.JoinHostPort(u.Hostname(), port)
	if u.User != nil {
		m.Username = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return nil, fmt.Errorf("ginjwt: SMTP sender %q: %w", from, err)
	}
	return m, nil
}

// Send implements [Mailer].
func (s *SMTPMailer) Send(ctx context.Context, m Message) error {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("ginjwt: smtp: From: %w", err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("ginjwt: smtp: To: %w", err)
	}
	body, err := s.compose(from, to, m, time.Now())
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultSMTPTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("ginjwt: smtp: Addr: %w", err)
	}
	tlsCfg := s.TLSConfig
	if tlsCfg == nil {
		tlsCfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	if s.Security == SMTPImplicitTLS {
		conn, err = (&tls.Dialer{Config: tlsCfg}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("ginjwt: smtp: connect: %w", err)
	}
	// The deadline covers the whole conversation; closing on ctx's end
	// aborts it early.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("ginjwt: smtp: greeting: %w", err)
	}
	defer c.Close()
	if err := s.converse(c, host, tlsCfg, from.Address, to.Address, body); err != nil {
		return fmt.Errorf("ginjwt: smtp: %w", err)
	}
	return nil
}

func (s *SMTPMailer) converse(c *smtp.Client, host string, tlsCfg *tls.Config, from, to string, body []byte) error {
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if s.Security == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsCfg); err != nil {
				return fmt.Errorf("STARTTLS: %w", err)
			}
		} else if !isLoopback(host) {
			return errors.New("the server does not offer STARTTLS; refusing to send in clear text")
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(body); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// compose builds the message: headers, then the text in quoted-printable.
func (s *SMTPMailer) compose(from, to *mail.Address, m Message, now time.Time) ([]byte, error) {
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("ginjwt: smtp: the subject holds a line break")
	}
	var id [16]byte
	_, _ = rand.Read(id[:])
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n")
	if _, err := qp.Write([]byte(text)); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// String describes the mailer without its password.
func (s *SMTPMailer) String() string {
	scheme := "smtp"
	if s.Security == SMTPImplicitTLS {
		scheme = "smtps"
	}
	return scheme + "://" + s.Addr + " (from " + s.From + ", auth " + strconv.FormatBool(s.Username != "") + ")"
}
