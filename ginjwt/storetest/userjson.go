package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
)

// The user model is also the user object of the HTTP API when it encodes to
// JSON. Those checks apply to the keys the model has; a model without them,
// or one that does not encode to an object, skips them.

// userObject returns u encoded to JSON and decoded as an object, or nil when
// it is not an object.
func userObject(t *testing.T, u any) (raw string, obj map[string]any) {
	t.Helper()
	b, err := json.Marshal(u)
	require.NoError(t, err, "the user model must encode to JSON")
	if json.Unmarshal(b, &obj) != nil {
		return string(b), nil
	}
	return string(b), obj
}

// checkUserObject checks the JSON form of u against the store's answers and,
// when nu is not nil, against the signup it came from.
func checkUserObject[U ginjwt.User](t *testing.T, u U, nu *ginjwt.NewUser) {
	t.Helper()
	raw, obj := userObject(t, u)
	if h := u.HashedPassword(); h != "" {
		assert.NotContains(t, raw, h, "the user model's JSON must never contain the password hash (tag the field json:\"-\")")
	}
	if obj == nil {
		return
	}
	if id, ok := obj["id"]; ok {
		assert.Equal(t, u.Subject(), id, `the JSON "id" is a string equal to Subject()`)
	}
	if v, ok := obj["is_active"]; ok {
		assert.Equal(t, u.IsActive(), v, `the JSON "is_active" must agree with IsActive()`)
	}
	if v, ok := obj["is_staff"]; ok {
		assert.Equal(t, u.IsStaff(), v, `the JSON "is_staff" must agree with IsStaff()`)
	}
	if nu == nil {
		return
	}
	if v, ok := obj["email"]; ok {
		assert.Equal(t, nu.Email, v, `the email is kept as the user typed it (JSON "email"); only look-ups use the normalised copy`)
	}
	for key, want := range map[string]string{"username": nu.Username, "first_name": nu.FirstName, "last_name": nu.LastName} {
		if v, ok := obj[key]; ok {
			assert.Equal(t, want, v, "CreateUser stores NewUser as given (JSON %q)", key)
		}
	}
}

// lastLogin returns the JSON "last_login" of u; ok is false when the model
// has no such key, and at is zero while it is null.
func lastLogin(t *testing.T, u any) (at time.Time, ok bool) {
	t.Helper()
	_, obj := userObject(t, u)
	v, ok := obj["last_login"]
	if !ok || v == nil {
		return time.Time{}, ok
	}
	s, isString := v.(string)
	require.True(t, isString, `the JSON "last_login" is a time or null, got %v`, v)
	at, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	require.NoError(t, err, `the JSON "last_login" must be an RFC 3339 time`)
	return at, true
}
