package ginjwt

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"
)

// Profile updates: PATCH on Paths.Profile (default "/me") changes the
// fields Config.ProfileFields allows, validated as at signup.

// ProfileUpdate is a validated change of a user's profile. A nil field is
// left as it is.
type ProfileUpdate struct {
	// Username is the new username as typed, trimmed; "" removes it.
	Username *string
	// NormalizedUsername is set whenever Username is: its normalised
	// form, "" for none (see [NewUser.NormalizedUsername]).
	NormalizedUsername *string
	FirstName          *string
	LastName           *string
}

// ProfileUpdater is an optional interface of a [UserStore]: UpdateProfile
// applies p to the user in one write, moving its updated time, and returns
// the updated user. It returns ErrUserNotFound, or ErrUsernameTaken when
// another user has the normalised username (also when two updates race).
// It never changes anything but the fields of p. The profile route needs
// it; gormstore, mongostore and memstore implement it.
type ProfileUpdater[U User] interface {
	UpdateProfile(ctx context.Context, id string, p ProfileUpdate) (U, error)
}

// Profile fields that Config.ProfileFields may name.
const (
	FieldUsername  = "username"
	FieldFirstName = "first_name"
	FieldLastName  = "last_name"
)

// DefaultProfileFields are the fields the profile route changes unless
// Config.ProfileFields says otherwise.
func DefaultProfileFields() []string {
	return []string{FieldUsername, FieldFirstName, FieldLastName}
}

// profileFields validates Config.ProfileFields.
func profileFields(fields []string) ([]string, error) {
	if len(fields) == 0 {
		return DefaultProfileFields(), nil
	}
	for _, f := range fields {
		if !slices.Contains(DefaultProfileFields(), f) {
			return nil, configErrorf("ProfileFields", "%q is not a profile field (username, first_name, last_name)", f)
		}
	}
	return slices.Clone(fields), nil
}

type profileRequest struct {
	Username  *string `json:"username"`
	FirstName *string `json:"first_name"`
	LastName  *string `json:"last_name"`
}

// profileUpdate validates a request, keeping only the allowed fields:
// others (email, password, flags, id, unknown ones) are ignored, as at
// signup.
func (a *Auth[U]) profileUpdate(req profileRequest) (ProfileUpdate, *badRequest) {
	var p ProfileUpdate
	allowed := func(f string) bool { return slices.Contains(a.profileFields, f) }
	if req.Username != nil && allowed(FieldUsername) {
		name, norm, bad := checkUsername(*req.Username)
		if bad != nil {
			return p, bad
		}
		p.Username, p.NormalizedUsername = &name, &norm
	}
	for _, f := range []struct {
		name string
		in   *string
		out  **string
	}{
		{FieldFirstName, req.FirstName, &p.FirstName},
		{FieldLastName, req.LastName, &p.LastName},
	} {
		if f.in == nil || !allowed(f.name) {
			continue
		}
		v, bad := checkText(f.name, *f.in, 150)
		if bad != nil {
			return p, bad
		}
		*f.out = &v
	}
	return p, nil
}

func (a *Auth[U]) updateProfile(c *gin.Context) {
	id := identityOf[U](c)
	var req profileRequest
	if bad := bindJSON(c, a.set.maxBody, &req); bad != nil {
		a.abortBad(c, bad)
		return
	}
	p, bad := a.profileUpdate(req)
	if bad != nil {
		a.abortBad(c, bad)
		return
	}
	ctx := c.Request.Context()
	uid := id.claims.Subject
	var u U
	var err error
	if p == (ProfileUpdate{}) {
		u, err = a.users.FindUserByID(ctx, uid)
	} else {
		u, err = a.users.(ProfileUpdater[U]).UpdateProfile(ctx, uid, p)
		a.InvalidateUser(uid) // whatever happened, read the user afresh
	}
	switch {
	case errors.Is(err, ErrUsernameTaken):
		a.fail(c, http.StatusConflict, err, "A user with that username already exists")
		return
	case errors.Is(err, ErrUserNotFound):
		a.abortAuth(c, invalid(ErrUserInactive, err))
		return
	case err != nil:
		a.abortUnavailable(c, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, u)
}

// profilePath is where Mount puts the profile route: Paths.Profile, or
// "-" (left out) when the Users store cannot update profiles.
func (a *Auth[U]) profilePath() string {
	if _, ok := a.users.(ProfileUpdater[U]); !ok {
		return "-"
	}
	return a.set.paths.Profile
}
