package memstore

import "time"

// User is the user model of the in-memory store. Its JSON form is the user
// object of the HTTP API: the password hash and the normalised email are
// never encoded.
type User struct {
	ID              string `json:"id"`
	Email           string `json:"email"` // as the user typed it
	EmailNormalized string `json:"-"`     // unique; what look-ups compare
	Username        string `json:"username"`
	// UsernameNormalized is unique among users that have a username, ""
	// for none; what sign-in by username compares.
	UsernameNormalized string `json:"-"`
	FirstName          string `json:"first_name"`
	LastName           string `json:"last_name"`
	PasswordHash       string `json:"-"`
	// CredentialsVersion counts password changes; see
	// ginjwt.User.CredentialsVersion.
	CredVersion int64      `json:"-"`
	Active      bool       `json:"is_active"`
	Staff       bool       `json:"is_staff"`
	Superuser   bool       `json:"is_superuser"`
	LastLogin   *time.Time `json:"last_login"` // nil until the first sign-in
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// Subject returns the user's id, the "sub" claim of its tokens.
func (u User) Subject() string { return u.ID }

// HashedPassword returns the stored password hash, or "" for a user who
// cannot sign in with a password.
func (u User) HashedPassword() string { return u.PasswordHash }

// IsActive reports whether the user may authenticate.
func (u User) IsActive() bool { return u.Active }

// IsStaff reports whether the user may use staff-only routes.
func (u User) IsStaff() bool { return u.Staff }

// CredentialsVersion returns the number of password changes.
func (u User) CredentialsVersion() int64 { return u.CredVersion }

// clone returns a copy of u that shares no memory with it.
func (u User) clone() User {
	if u.LastLogin != nil {
		at := *u.LastLogin
		u.LastLogin = &at
	}
	return u
}
