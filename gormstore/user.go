package gormstore

import "time"

// User is the ready-made user model. Applications embed it, by value, in
// their own model to add fields, the way Django apps extend AbstractUser:
//
//	type User struct {
//		gormstore.User
//		Plan string
//	}
//
// The embedding type then satisfies [ginjwt.User] through the promoted
// methods, and [New] accepts it. Its JSON form is the user object of the
// HTTP contract plus the application's own fields; the password hash and
// the normalised email are never serialised.
//
// Every column name is fixed by a tag, so a custom gorm NamingStrategy
// changes the table name but not the columns the store queries.
type User struct {
	// ID is a random UUID (version 4) chosen by the store at creation.
	ID string `gorm:"column:id;primaryKey;size:36" json:"id"`
	// Email is the address as the user typed it.
	Email string `gorm:"column:email;not null" json:"email"`
	// EmailNormalized is the lower-case copy that look-ups and the unique
	// index use (see ginjwt.NormalizeEmail).
	EmailNormalized string `gorm:"column:email_normalized;not null;uniqueIndex" json:"-"`
	Username        string `gorm:"column:username;not null" json:"username"`
	// UsernameNormalized is what uniqueness and sign-in by username
	// compare (see ginjwt.NormalizeUsername): NULL for a user without a
	// username, so that the plain unique index ignores them on SQLite and
	// PostgreSQL alike.
	UsernameNormalized *string `gorm:"column:username_normalized;uniqueIndex" json:"-"`
	FirstName          string  `gorm:"column:first_name;not null" json:"first_name"`
	LastName           string  `gorm:"column:last_name;not null" json:"last_name"`
	// PasswordHash is the encoded password hash, or "" for a user who
	// cannot sign in with a password.
	PasswordHash string `gorm:"column:password_hash;not null" json:"-"`
	// CredVersion counts password changes; a session created under an
	// older count is dead (see ginjwt.User.CredentialsVersion). Existing
	// tables gain the column with 0 at Migrate.
	CredVersion int64 `gorm:"column:credentials_version;not null;default:0" json:"-"`
	// Active reports whether the user may authenticate at all.
	Active bool `gorm:"column:is_active;not null" json:"is_active"`
	// Staff reports whether the user may use staff-only routes.
	Staff bool `gorm:"column:is_staff;not null" json:"is_staff"`
	// Verified reports whether the user proved, through a link sent by
	// mail, that the email is theirs. Existing tables gain the column with
	// false at Migrate: see [Store.MarkAllVerified].
	Verified bool `gorm:"column:is_verified;not null;default:false" json:"is_verified"`
	// Superuser is kept for applications that distinguish it; ginjwt
	// itself does not read it.
	Superuser bool `gorm:"column:is_superuser;not null" json:"is_superuser"`
	// LastLogin is the time of the last successful sign-in, nil if none.
	LastLogin *time.Time `gorm:"column:last_login" json:"last_login"`
	// CreatedAt and UpdatedAt are set by the store, in UTC. GORM's own
	// automatic timestamps stay on for the application's writes.
	CreatedAt time.Time `gorm:"column:created_at;not null" json:"created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at;not null" json:"updated_at"`
}

// Subject returns the user's id, the "sub" claim of its tokens.
func (u User) Subject() string { return u.ID }

// HashedPassword returns the stored password hash.
func (u User) HashedPassword() string { return u.PasswordHash }

// IsActive reports whether the user may authenticate at all.
func (u User) IsActive() bool { return u.Active }

// IsStaff reports whether the user may use staff-only routes.
func (u User) IsStaff() bool { return u.Staff }

// CredentialsVersion returns the number of password changes.
func (u User) CredentialsVersion() int64 { return u.CredVersion }

// EmailAddress returns the email as the user gave it.
func (u User) EmailAddress() string { return u.Email }

// IsVerified reports whether the user's email is verified.
func (u User) IsVerified() bool { return u.Verified }

// IsSuperuser reports the Superuser flag.
func (u User) IsSuperuser() bool { return u.Superuser }

// gormstoreUser gives the store the embedded model of any type that embeds
// User. Being unexported, only types that embed User have it, which is how
// [New] tells them apart.
func (u *User) gormstoreUser() *User { return u }

// embedsUser is satisfied by *U exactly when U embeds User.
type embedsUser interface{ gormstoreUser() *User }

// toUTC puts every time of u in UTC: PostgreSQL drivers return
// timestamptz values in the local zone.
func (u *User) toUTC() {
	u.CreatedAt = u.CreatedAt.UTC()
	u.UpdatedAt = u.UpdatedAt.UTC()
	if u.LastLogin != nil {
		t := u.LastLogin.UTC()
		u.LastLogin = &t
	}
}
