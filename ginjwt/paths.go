package ginjwt

import "strings"

// Paths are the routes [Mount] registers, relative to the group it is given.
// A zero field takes its default; "-" leaves that route out.
type Paths struct {
	Signup    string // POST, default "/signup"
	Signin    string // POST, default "/signin"
	Refresh   string // POST, default "/refresh"
	Logout    string // POST, default "/logout"
	LogoutAll string // POST, default "/logout-all"
	Me        string // GET, default "/me"
	Password  string // POST, default "/password"
	Sessions  string // GET, and DELETE Sessions+"/:id"; default "/sessions"
	// The account-email routes, mounted only with Config.Mail.
	VerifyRequest  string // POST, default "/verify/request"
	Verify         string // POST, default "/verify"
	PasswordForgot string // POST, default "/password/forgot"
	PasswordReset  string // POST, default "/password/reset"
	// Profile is PATCH, default "/me". It is mounted only when the Users
	// store implements [ProfileUpdater].
	Profile string
}

// DefaultPaths returns the default route paths.
func DefaultPaths() Paths {
	return Paths{
		Signup: "/signup", Signin: "/signin", Refresh: "/refresh",
		Logout: "/logout", LogoutAll: "/logout-all", Me: "/me",
		Password: "/password", Sessions: "/sessions",
		VerifyRequest: "/verify/request", Verify: "/verify",
		PasswordForgot: "/password/forgot", PasswordReset: "/password/reset",
		Profile: "/me",
	}
}

func (p Paths) withDefaults() (Paths, error) {
	d := DefaultPaths()
	for _, f := range []struct {
		name     string
		val, def *string
	}{
		{"Signup", &p.Signup, &d.Signup}, {"Signin", &p.Signin, &d.Signin},
		{"Refresh", &p.Refresh, &d.Refresh}, {"Logout", &p.Logout, &d.Logout},
		{"LogoutAll", &p.LogoutAll, &d.LogoutAll}, {"Me", &p.Me, &d.Me},
		{"Password", &p.Password, &d.Password}, {"Sessions", &p.Sessions, &d.Sessions},
		{"VerifyRequest", &p.VerifyRequest, &d.VerifyRequest}, {"Verify", &p.Verify, &d.Verify},
		{"PasswordForgot", &p.PasswordForgot, &d.PasswordForgot}, {"PasswordReset", &p.PasswordReset, &d.PasswordReset},
		{"Profile", &p.Profile, &d.Profile},
	} {
		switch {
		case *f.val == "":
			*f.val = *f.def
		case *f.val == "-":
		case !strings.HasPrefix(*f.val, "/"):
			return p, configErrorf("Paths."+f.name, "%q must start with / (or be \"-\" to leave the route out)", *f.val)
		}
	}
	return p, nil
}
