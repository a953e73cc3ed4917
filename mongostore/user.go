package mongostore

import (
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// User is the user document of the users collection. Applications use it
// as it is, or embed it inline in their own document type to add fields:
//
//	type Account struct {
//		mongostore.User `bson:",inline"`
//		Plan string `bson:"plan" json:"plan"`
//	}
//
// Its JSON form is the user object of the HTTP API: "id" is the hex string
// of ID, and neither the password hash nor the normalised email is ever
// included.
type User struct {
	// ID is the document's _id; Subject returns its hex string.
	ID bson.ObjectID `bson:"_id" json:"id"`
	// Email is the address as the user gave it.
	Email string `bson:"email" json:"email"`
	// EmailNormalized is the lower-case copy that look-ups and the unique
	// index use (see ginjwt.NormalizeEmail).
	EmailNormalized string `bson:"email_normalized" json:"-"`
	Username        string `bson:"username" json:"username"`
	// UsernameNormalized is what uniqueness and sign-in by username
	// compare (see ginjwt.NormalizeUsername). It is absent from the
	// document of a user without a username, so that the unique sparse
	// index ignores them (FerretDB has no partial indexes).
	UsernameNormalized string `bson:"username_normalized,omitempty" json:"-"`
	FirstName          string `bson:"first_name" json:"first_name"`
	LastName           string `bson:"last_name" json:"last_name"`
	// PasswordHash is the encoded password hash, or "" for a user who
	// cannot sign in with a password.
	PasswordHash string `bson:"password_hash" json:"-"`
	// CredVersion counts password changes; a session created under an
	// older count is dead (see ginjwt.User.CredentialsVersion). Documents
	// written before it existed read as 0.
	CredVersion int64 `bson:"credentials_version" json:"-"`
	// Active users may authenticate; CreateUser sets it.
	Active bool `bson:"is_active" json:"is_active"`
	// Staff users may use staff-only routes.
	Staff bool `bson:"is_staff" json:"is_staff"`
	// Verified reports whether the user proved, through a link sent by
	// mail, that the email is theirs. Documents written before it existed
	// read as false: see [Store.MarkAllVerified].
	Verified bool `bson:"is_verified" json:"is_verified"`
	// Superuser is kept for applications; ginjwt itself does not read it.
	Superuser bool `bson:"is_superuser" json:"is_superuser"`
	// LastLogin is the time of the last successful sign-in, nil before the
	// first.
	LastLogin *time.Time `bson:"last_login" json:"last_login"`
	CreatedAt time.Time  `bson:"created_at" json:"created_at"`
	UpdatedAt time.Time  `bson:"updated_at" json:"updated_at"`
}

// Subject returns the hex string of the user's ObjectID, or "" for a user
// that has none yet.
func (u User) Subject() string {
	if u.ID.IsZero() {
		return ""
	}
	return u.ID.Hex()
}

// HashedPassword returns the stored password hash.
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

// baseUser is implemented by *User and, through promotion, by a pointer to
// any struct type that embeds User by value. [New] relies on it to reach
// the embedded User of an application's type.
type baseUser interface {
	mongostoreUser() *User
}

func (u *User) mongostoreUser() *User { return u }
