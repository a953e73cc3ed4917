package ginjwt

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Usernames. A username is optional; when given, it is unique among
// users, compared in its normalised form ([NormalizeUsername]), and may
// serve to sign in (Config.SignInWith).

// MaxUsernameLength is the longest username, in characters, after
// normalisation.
const MaxUsernameLength = 150

// SignInIdentifier says what a user types to sign in, besides the
// password. See Config.SignInWith.
type SignInIdentifier int

const (
	// SignInEmail: the "email" field only (the default).
	SignInEmail SignInIdentifier = iota
	// SignInUsername: the "username" field only.
	SignInUsername
	// SignInEmailOrUsername: "email" or "username", or "login" holding
	// either (a value with an "@" is an email: usernames cannot hold one).
	SignInEmailOrUsername
)

// UsernameFinder is an optional interface of a [UserStore], needed by
// sign-in with usernames (Config.SignInWith): FindUserByUsername returns
// the user whose normalised username equals normalizedUsername, or
// ErrUserNotFound. An empty normalizedUsername is never found. gormstore,
// mongostore and memstore implement it.
type UsernameFinder[U User] interface {
	FindUserByUsername(ctx context.Context, normalizedUsername string) (U, error)
}

// usernameFold folds case fully (ß and ss, ſ and s compare equal), as
// Unicode's NFKC_Casefold does.
var usernameFold = cases.Fold()

// NormalizeUsername returns the form of a username that uniqueness and
// look-ups compare: surrounding spaces trimmed, compatibility-normalised
// (NFKC: "ｆｕｌｌ" and "full" are one name), case-folded, lower-cased, and
// normalised again since folding can undo NFKC. Normalising the result
// again changes nothing. It validates nothing: see
// [CheckUsername] for the allowed alphabet.
func NormalizeUsername(s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	// Full case folding maps lower-case Cherokee to upper case, and does
	// not map it back the same way in every context; lower-casing after
	// it makes the result a fixed point (see the exhaustive test).
	// Compatibility forms can decompose to spaces ("￣" is " ̄"): trim
	// again.
	return strings.TrimSpace(norm.NFKC.String(strings.ToLower(usernameFold.String(s))))
}

// CheckUsername validates a username typed at signup or in a profile
// update and returns it trimmed, with its normalised form ("", "" for an
// empty one). A username is allowed when its normalised form is 1 to
// [MaxUsernameLength] characters, each a Unicode letter or decimal digit
// or one of ".", "_" and "-". No "@" (a username never looks like an
// email), no spaces, no symbols or invisible characters. The error
// matches [ErrBadRequest] and says what is wrong.
func CheckUsername(s string) (username, normalized string, err error) {
	username, normalized, bad := checkUsername(s)
	if bad != nil {
		return "", "", bad
	}
	return username, normalized, nil
}

func checkUsername(s string) (string, string, *badRequest) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "", nil
	}
	if !utf8.ValidString(s) || len(s) > 4*MaxUsernameLength {
		return "", "", fail400("username is invalid")
	}
	n := NormalizeUsername(s)
	if utf8.RuneCountInString(n) > MaxUsernameLength {
		return "", "", fail400("username is too long")
	}
	for _, r := range n {
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Nd, r) && r != '.' && r != '_' && r != '-' {
			return "", "", fail400("username may hold only letters, digits, '.', '_' and '-'")
		}
	}
	return s, n, nil
}

// signinID is the account a sign-in names: kind "email" or "username",
// and its normalised value (also in email or username, for events).
type signinID struct {
	kind, value     string
	email, username string
}

// signinIdentifier reads the identifier of a sign-in request as
// Config.SignInWith allows, refusing before any look-up what no account
// can have.
func (a *Auth[U]) signinIdentifier(req signinRequest) (signinID, *badRequest) {
	mode := a.cfg.SignInWith
	given := 0
	for _, v := range []string{req.Email, req.Username, req.Login} {
		if v != "" {
			given++
		}
	}
	if given > 1 {
		return signinID{}, fail400("give only one of email, username and login")
	}
	email, username := req.Email, req.Username
	switch {
	case mode == SignInEmail && (username != "" || req.Login != ""):
		return signinID{}, fail400("sign in with your email")
	case mode == SignInUsername && (email != "" || req.Login != ""):
		return signinID{}, fail400("sign in with your username")
	case req.Login != "" && strings.Contains(req.Login, "@"):
		email = req.Login
	case req.Login != "":
		username = req.Login
	}
	if username != "" {
		if len(username) > 4*MaxUsernameLength || strings.IndexByte(username, 0) >= 0 || !utf8.ValidString(username) {
			return signinID{}, fail400("Enter a valid username")
		}
		if n := NormalizeUsername(username); n != "" {
			return signinID{kind: "username", value: n, username: n}, nil
		}
	}
	if email != "" {
		if bad := checkSigninEmail(email); bad != nil {
			return signinID{}, bad
		}
		n := NormalizeEmail(email)
		return signinID{kind: "email", value: n, email: n}, nil
	}
	switch mode {
	case SignInUsername:
		return signinID{}, fail400("username is required")
	case SignInEmailOrUsername:
		return signinID{}, fail400("email or username is required")
	}
	return signinID{}, fail400("email is required")
}

// findSigninUser looks up the account a sign-in names.
func (a *Auth[U]) findSigninUser(ctx context.Context, id signinID) (U, error) {
	if id.kind == "username" {
		// Compile checked that the store has it.
		return a.users.(UsernameFinder[U]).FindUserByUsername(ctx, id.value)
	}
	return a.users.FindUserByEmail(ctx, id.value)
}

// badCredentials is the one 401 message of sign-in, whatever failed and
// whichever identifier was typed.
func (a *Auth[U]) badCredentials() string {
	switch a.cfg.SignInWith {
	case SignInUsername:
		return "Invalid username or password"
	case SignInEmailOrUsername:
		return "Invalid email, username or password"
	}
	return msgBadCredentials
}
