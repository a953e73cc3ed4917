package mongostore_test

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/ginjwt"
	"github.com/ginjwt/ginjwt/mongostore"
)

func TestUserLifecycle(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()

	u, err := s.CreateUser(ctx, ginjwt.NewUser{
		Email:           "Alice@Example.com",
		NormalizedEmail: "alice@example.com",
		PasswordHash:    "hash-1",
		Username:        "alice",
		FirstName:       "Alice",
		LastName:        "Liddell",
	})
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if u.Subject() == "" || u.Subject() != u.ID.Hex() {
		t.Fatalf("Subject() = %q, want the hex of %v", u.Subject(), u.ID)
	}
	if !u.IsActive() || u.IsStaff() || u.Superuser || u.LastLogin != nil {
		t.Fatalf("new user flags: active=%v staff=%v super=%v last_login=%v; want an active, plain user that never signed in",
			u.IsActive(), u.IsStaff(), u.Superuser, u.LastLogin)
	}
	if u.CreatedAt.Location() != time.UTC || u.CreatedAt.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("CreatedAt = %v, want UTC with millisecond precision", u.CreatedAt)
	}

	byEmail, err := s.FindUserByEmail(ctx, "alice@example.com")
	if err != nil {
		t.Fatalf("FindUserByEmail: %v", err)
	}
	byID, err := s.FindUserByID(ctx, u.Subject())
	if err != nil {
		t.Fatalf("FindUserByID: %v", err)
	}
	for _, got := range []mongostore.User{byEmail, byID} {
		if !equalUsers(got, u) {
			t.Fatalf("found %+v, want the created %+v", got, u)
		}
	}
	if got := byID.Email; got != "Alice@Example.com" {
		t.Fatalf("Email = %q, want it as given", got)
	}
	if _, err := s.FindUserByEmail(ctx, "Alice@Example.com"); !errors.Is(err, ginjwt.ErrUserNotFound) {
		t.Fatalf("FindUserByEmail(un-normalised) error = %v, want ErrUserNotFound", err)
	}

	if err := s.SetPasswordHash(ctx, u.Subject(), "hash-2"); err != nil {
		t.Fatalf("SetPasswordHash: %v", err)
	}
	login := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.FixedZone("X", 3600))
	if err := s.RecordLogin(ctx, u.Subject(), login); err != nil {
		t.Fatalf("RecordLogin: %v", err)
	}
	got, err := s.FindUserByID(ctx, u.Subject())
	if err != nil {
		t.Fatal(err)
	}
	if got.HashedPassword() != "hash-2" {
		t.Fatalf("HashedPassword() = %q after SetPasswordHash, want hash-2", got.HashedPassword())
	}
	wantLogin := login.UTC().Truncate(time.Millisecond)
	if got.LastLogin == nil || !got.LastLogin.Equal(wantLogin) || got.LastLogin.Location() != time.UTC {
		t.Fatalf("LastLogin = %v, want %v in UTC", got.LastLogin, wantLogin)
	}

	missing := bson.NewObjectID().Hex()
	if err := s.SetPasswordHash(ctx, missing, "x"); !errors.Is(err, ginjwt.ErrUserNotFound) {
		t.Fatalf("SetPasswordHash(missing) error = %v, want ErrUserNotFound", err)
	}
	if err := s.RecordLogin(ctx, missing, login); !errors.Is(err, ginjwt.ErrUserNotFound) {
		t.Fatalf("RecordLogin(missing) error = %v, want ErrUserNotFound", err)
	}
}

func equalUsers(a, b mongostore.User) bool {
	return a.ID == b.ID && a.Email == b.Email && a.EmailNormalized == b.EmailNormalized &&
		a.Username == b.Username && a.FirstName == b.FirstName && a.LastName == b.LastName &&
		a.PasswordHash == b.PasswordHash && a.Active == b.Active && a.Staff == b.Staff &&
		a.Superuser == b.Superuser && a.CreatedAt.Equal(b.CreatedAt) && a.UpdatedAt.Equal(b.UpdatedAt)
}

func TestCreateUserRaceHasOneWinner(t *testing.T) {
	s := newStore[mongostore.User](t)
	ctx := t.Context()

	const n = 20
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []mongostore.User
		exists  int
		others  []error
	)
	for range n {
		wg.Go(func() {
			u, err := s.CreateUser(ctx, newUser("race@example.com"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				winners = append(winners, u)
			case errors.Is(err, ginjwt.ErrUserExists):
				exists++
			default:
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 || exists != n-1 || len(others) != 0 {
		t.Fatalf("%d creations: %d succeeded, %d ErrUserExists, other errors %v; want 1 and %d",
			n, len(winners), exists, others, n-1)
	}
	found, err := s.FindUserByEmail(ctx, "race@example.com")
	if err != nil || found.ID != winners[0].ID {
		t.Fatalf("FindUserByEmail = %v, %v; want the winner %v", found.ID, err, winners[0].ID)
	}
}

// Account is an application's user document that embeds mongostore.User.
type Account struct {
	mongostore.User `bson:",inline"`
	Plan            string `bson:"plan" json:"plan"`
}

func TestEmbeddedUserTypeRoundTrips(t *testing.T) {
	db, mdb := newStoreDB[Account](t)
	ctx := t.Context()

	a, err := db.CreateUser(ctx, newUser("app@example.com"))
	if err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	if a.Plan != "" || a.Subject() == "" {
		t.Fatalf("created %+v, want an id and an empty plan", a)
	}

	// The application sets its own field with the driver, as it would.
	client := mdb.Collection("users")
	oid := a.ID
	if _, err := client.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "plan", Value: "pro"}}}}); err != nil {
		t.Fatal(err)
	}
	raw, err := client.FindOne(ctx, bson.D{{Key: "_id", Value: oid}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.LookupErr("email_normalized"); err != nil {
		t.Fatalf("stored document %v lacks a top-level email_normalized: User not inlined", raw)
	}

	got, err := db.FindUserByID(ctx, a.Subject())
	if err != nil {
		t.Fatalf("FindUserByID: %v", err)
	}
	if got.Plan != "pro" || got.Email != "app@example.com" || got.Subject() != a.Subject() {
		t.Fatalf("found %+v, want plan pro and the created user", got)
	}

	js, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	if obj["plan"] != "pro" || obj["id"] != a.Subject() || obj["email"] != "app@example.com" {
		t.Fatalf("JSON %s: want plan, id and email at the top level", js)
	}
}

func TestUserJSONIsTheUserObject(t *testing.T) {
	login := time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)
	u := mongostore.User{
		ID:              bson.NewObjectID(),
		Email:           "Bob@Example.com",
		EmailNormalized: "bob@example.com",
		Username:        "bob",
		FirstName:       "Bob",
		LastName:        "Builder",
		PasswordHash:    "$argon2id$secret-hash",
		Active:          true,
		Staff:           true,
		LastLogin:       &login,
	}
	js, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": u.ID.Hex(), "email": "Bob@Example.com", "username": "bob",
		"first_name": "Bob", "last_name": "Builder", "is_active": true, "is_staff": true,
		"is_superuser": false, "last_login": "2030-05-06T07:08:09Z",
	}
	for k, v := range want {
		if obj[k] != v {
			t.Errorf("JSON %q = %#v, want %#v", k, obj[k], v)
		}
	}
	for _, secret := range []string{"secret-hash", "password", "bob@example.com", "email_normalized"} {
		if strings.Contains(string(js), secret) {
			t.Errorf("JSON %s contains %q", js, secret)
		}
	}
}

// Types that New must refuse.
type (
	ownUser struct{ ID string }
	// notInline embeds User without the inline tag: its fields would be
	// stored in a "user" sub-document.
	notInline struct {
		mongostore.User
		Plan string
	}
	pointerEmbed struct {
		*mongostore.User
	}
)

func (u ownUser) Subject() string           { return u.ID }
func (u ownUser) HashedPassword() string    { return "" }
func (u ownUser) IsActive() bool            { return true }
func (u ownUser) IsStaff() bool             { return false }
func (u ownUser) CredentialsVersion() int64 { return 0 }

func TestNewRefusesWrongUserTypes(t *testing.T) {
	client, err := mongo.Connect(options.Client().ApplyURI("mongodb://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Disconnect(t.Context())
	db := client.Database("unused") // New does not talk to the server

	for name, newStore := range map[string]func() error{
		"own type":         func() error { _, err := mongostore.New[ownUser](db); return err },
		"not inline":       func() error { _, err := mongostore.New[notInline](db); return err },
		"pointer embedded": func() error { _, err := mongostore.New[pointerEmbed](db); return err },
		"pointer to User":  func() error { _, err := mongostore.New[*mongostore.User](db); return err },
	} {
		t.Run(name, func(t *testing.T) {
			err := newStore()
			if err == nil || !strings.Contains(err.Error(), "mongostore.User") {
				t.Fatalf("New error = %v, want one that names mongostore.User", err)
			}
		})
	}

	for name, opts := range map[string][]mongostore.Option{
		"zero timeout":     {mongostore.WithTimeout(0)},
		"negative timeout": {mongostore.WithTimeout(-time.Second)},
		"shared collection": {mongostore.WithCollections(mongostore.Collections{
			Sessions: "users",
		})},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := mongostore.New[mongostore.User](db, opts...); err == nil {
				t.Fatal("New accepted the options")
			}
		})
	}
	if _, err := mongostore.New[mongostore.User](nil); err == nil {
		t.Fatal("New accepted a nil database")
	}

	for name, newStore := range map[string]func() error{
		"User":    func() error { _, err := mongostore.New[mongostore.User](db); return err },
		"Account": func() error { _, err := mongostore.New[Account](db); return err },
	} {
		if err := newStore(); err != nil {
			t.Errorf("New[%s]: %v", name, err)
		}
	}
}
