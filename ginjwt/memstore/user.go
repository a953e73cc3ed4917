package memstore

import (
	"time"

	"github.com/ginjwt/ginjwt/ginjwt"
)

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
	Verified    bool       `json:"is_verified"` // the email is proven to be the user's
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

// EmailAddress returns the email as the user gave it.
func (u User) EmailAddress() string { return u.Email }

// IsVerified reports whether the user's email is verified.
func (u User) IsVerified() bool { return u.Verified }

// CredentialsVersion returns the number of password changes.
func (u User) CredentialsVersion() int64 { return u.CredVersion }

// userModel is the Model of User.
var userModel = Model[User]{
	New: func(id string, nu ginjwt.NewUser, now time.Time) User {
		return User{
			ID:                 id,
			Email:              nu.Email,
			EmailNormalized:    nu.NormalizedEmail,
			Username:           nu.Username,
			UsernameNormalized: nu.NormalizedUsername,
			FirstName:          nu.FirstName,
			LastName:           nu.LastName,
			PasswordHash:       nu.PasswordHash,
			Active:             true,
			CreatedAt:          now,
			UpdatedAt:          now,
		}
	},
	SetPasswordHash: func(u *User, hash string, v int64) { u.PasswordHash, u.CredVersion = hash, v },
	SetActive:       func(u *User, active bool) { u.Active = active },
	SetStaff:        func(u *User, staff bool) { u.Staff = staff },
	SetVerified:     func(u *User, verified bool) { u.Verified = verified },
	Touch:           func(u *User, now time.Time) { u.UpdatedAt = now },
	SetLastLogin:    func(u *User, at time.Time) { u.LastLogin = &at },
	SetProfile: func(u *User, p ginjwt.ProfileUpdate) {
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&u.Username, p.Username)
		set(&u.UsernameNormalized, p.NormalizedUsername)
		set(&u.FirstName, p.FirstName)
		set(&u.LastName, p.LastName)
	},
	Clone: func(u User) User {
		if u.LastLogin != nil {
			at := *u.LastLogin
			u.LastLogin = &at
		}
		return u
	},
}
