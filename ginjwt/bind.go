package ginjwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/ginjwt/ginjwt/ginjwt/password"
)

// badRequest is a client error with a message safe to show.
type badRequest struct {
	status int
	detail string
	kind   error // the sentinel it matches; nil: ErrBadRequest (or ErrRequestTooLarge)
}

func (e *badRequest) Error() string { return e.detail }

// Is makes a badRequest match ErrBadRequest, or ErrRequestTooLarge for a
// 413.
func (e *badRequest) Is(target error) bool {
	if e.kind != nil {
		return target == e.kind
	}
	if e.status == http.StatusRequestEntityTooLarge {
		return target == ErrRequestTooLarge
	}
	return target == ErrBadRequest
}

func fail400(detail string) *badRequest {
	return &badRequest{status: http.StatusBadRequest, detail: detail}
}

// refusal is a client error of another kind than a bad request.
func refusal(status int, kind error, detail string) *badRequest {
	return &badRequest{status: status, detail: detail, kind: kind}
}

// bindJSON decodes the request body into v as JSON, whatever Content-Type
// says, refusing bodies over max bytes. Unknown fields are ignored (never
// stored: v only has the fields a route accepts).
func bindJSON(c *gin.Context, max int64, v any) *badRequest {
	body, bad := readBody(c, max)
	if bad != nil {
		return bad
	}
	return decodeJSON(body, v)
}

// readBody reads the request body, refusing bodies over max bytes (413).
func readBody(c *gin.Context, max int64) ([]byte, *badRequest) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, max))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, &badRequest{status: http.StatusRequestEntityTooLarge, detail: "Request body too large"}
	case err != nil:
		return nil, fail400("Could not read the request body")
	}
	return body, nil
}

// decodeJSON decodes body, one JSON value and nothing after it, into v.
func decodeJSON(body []byte, v any) *badRequest {
	dec := json.NewDecoder(bytes.NewReader(body))
	err := dec.Decode(v)
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			err = errors.New("trailing data")
		}
	}
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		return fail400("Request body must be a JSON object")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fail400(typeErr.Field + " must be a " + jsonKind(typeErr.Type.Kind().String()))
	case errors.As(err, &typeErr):
		return fail400("Request body must be a JSON object")
	}
	return fail400("Malformed JSON")
}

func jsonKind(goKind string) string {
	if goKind == "string" {
		return "string"
	}
	return "value of another type"
}

// NormalizeEmail returns the form of an email address that uniqueness and
// look-ups use: surrounding spaces trimmed, lower-cased (Unicode-aware).
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// maxEmailBytes is the longest address SMTP allows (RFC 5321 §4.5.3.1.3).
const maxEmailBytes = 254

// checkEmail validates a signup email: a bare address, at most 254 bytes.
func checkEmail(raw string) (string, *badRequest) {
	email := strings.TrimSpace(raw)
	if email == "" {
		return "", fail400("email is required")
	}
	if len(email) > maxEmailBytes || strings.ContainsRune(email, 0) {
		return "", fail400("Enter a valid email address")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Name != "" || addr.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		return "", fail400("Enter a valid email address")
	}
	return email, nil
}

// checkText validates an optional profile field.
func checkText(field, v string, max int) (string, *badRequest) {
	v = strings.TrimSpace(v)
	switch {
	case utf8.RuneCountInString(v) > max:
		return "", fail400(field + " is too long")
	case strings.ContainsRune(v, 0):
		return "", fail400(field + " must not contain NUL characters")
	}
	return v, nil
}

func (a *Auth[U]) abortBad(c *gin.Context, e *badRequest) {
	a.fail(c, e.status, e, e.detail)
}

// abortUnavailable answers 503: a store failed, or the password hasher is
// overloaded, in which case Retry-After tells the client when to retry.
func (a *Auth[U]) abortUnavailable(c *gin.Context, err error) {
	if errors.Is(err, password.ErrBusy) {
		c.Header("Retry-After", "1")
		a.fail(c, http.StatusServiceUnavailable, err, msgOverloaded)
		return
	}
	a.fail(c, http.StatusServiceUnavailable, err, msgUnavailable)
}
