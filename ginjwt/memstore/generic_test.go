package memstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/ginjwt/memstore"
	"github.com/ginjwt/ginjwt/ginjwt/storetest"
)

// account is an application's own user model, unrelated to memstore.User:
// other field names, a slice to copy, no staff flag of its own.
type account struct {
	Key       string   `json:"id"`
	Mail      string   `json:"email"`
	Handle    string   `json:"username"`
	Given     string   `json:"first_name"`
	Family    string   `json:"last_name"`
	Hash      string   `json:"-"`
	Version   int64    `json:"-"`
	Enabled   bool     `json:"is_active"`
	Roles     []string `json:"roles"`
	Checked   bool     `json:"is_verified"`
	LastSeen  time.Time
	ChangedAt time.Time
}

func (a account) Subject() string           { return a.Key }
func (a account) HashedPassword() string    { return a.Hash }
func (a account) IsActive() bool            { return a.Enabled }
func (a account) IsStaff() bool             { return slices.Contains(a.Roles, "staff") }
func (a account) CredentialsVersion() int64 { return a.Version }
func (a account) IsVerified() bool          { return a.Checked }

var accountModel = memstore.Model[account]{
	New: func(id string, nu ginjwt.NewUser, _ time.Time) account {
		return account{Key: id, Mail: nu.Email, Handle: nu.Username, Given: nu.FirstName, Family: nu.LastName, Hash: nu.PasswordHash, Enabled: true}
	},
	SetPasswordHash: func(a *account, h string, v int64) { a.Hash, a.Version = h, v },
	SetActive:       func(a *account, on bool) { a.Enabled = on },
	Touch:           func(a *account, now time.Time) { a.ChangedAt = now },
	SetLastLogin:    func(a *account, at time.Time) { a.LastSeen = at },
	SetProfile: func(a *account, p ginjwt.ProfileUpdate) {
		for _, f := range []struct{ dst, src *string }{{&a.Handle, p.Username}, {&a.Given, p.FirstName}, {&a.Family, p.LastName}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
	},
	SetStaff: func(a *account, staff bool) {
		a.Roles = slices.DeleteFunc(a.Roles, func(r string) bool { return r == "staff" })
		if staff {
			a.Roles = append(a.Roles, "staff")
		}
	},
	SetVerified: func(a *account, v bool) { a.Checked = v },
	Clone:       func(a account) account { a.Roles = slices.Clone(a.Roles); return a },
}

type accountDB struct{ store *memstore.Generic[account] }

func (d accountDB) Open(*testing.T) (ginjwt.UserStore[account], ginjwt.SessionStore) {
	return d.store, d.store
}

func (accountDB) Close(*testing.T) {}

func TestGenericConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) storetest.Database[account] {
		return accountDB{store: memstore.NewFor(accountModel)}
	})
}

func TestGenericStoreBehindTheRoutes(t *testing.T) {
	var _ ginjwt.ProfileUpdater[account] = (*memstore.Generic[account])(nil)
	s := memstore.NewFor(accountModel)
	u, err := s.CreateUserWith(t.Context(), ginjwt.NewUser{Email: "a@example.com", NormalizedEmail: "a@example.com"}, func(a *account) error {
		a.Roles = []string{"reader"}
		return nil
	})
	require.NoError(t, err)
	require.NoError(t, s.SetStaff(u.Key, true))
	got, err := s.FindUserByID(t.Context(), u.Key)
	require.NoError(t, err)
	assert.True(t, got.IsStaff())
	got.Roles[0] = "changed"
	again, err := s.FindUserByID(t.Context(), u.Key)
	require.NoError(t, err)
	assert.Equal(t, "reader", again.Roles[0], "Model.Clone keeps the stored slice apart")
	require.NoError(t, s.RecordLogin(t.Context(), u.Key, time.Unix(100, 0)))
	again, _ = s.FindUserByID(t.Context(), u.Key)
	assert.True(t, again.LastSeen.Equal(time.Unix(100, 0)))
	assert.Equal(t, time.UTC, again.LastSeen.Location())
}

func TestNewForNamesAMissingFunction(t *testing.T) {
	for field, m := range map[string]memstore.Model[account]{
		"Model.New":             {SetPasswordHash: accountModel.SetPasswordHash, SetActive: accountModel.SetActive},
		"Model.SetPasswordHash": {New: accountModel.New, SetActive: accountModel.SetActive},
		"Model.SetActive":       {New: accountModel.New, SetPasswordHash: accountModel.SetPasswordHash},
	} {
		assert.PanicsWithValue(t, "memstore: NewFor: "+field+" is required", func() { memstore.NewFor(m) })
	}
	s := memstore.NewFor(memstore.Model[account]{New: accountModel.New, SetPasswordHash: accountModel.SetPasswordHash, SetActive: accountModel.SetActive})
	u, err := s.CreateUser(t.Context(), ginjwt.NewUser{Email: "a@example.com", NormalizedEmail: "a@example.com"})
	require.NoError(t, err)
	_, err = s.UpdateProfile(t.Context(), u.Key, ginjwt.ProfileUpdate{})
	assert.ErrorContains(t, err, "Model.SetProfile")
	assert.ErrorContains(t, s.SetStaff(u.Key, true), "Model.SetStaff")
}
