package bench

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/ginjwt/ginjwt/internal/mongotest"
	"github.com/ginjwt/ginjwt/mongostore"
)

// TestMain stops the FerretDB that BenchmarkScaleMongo may have started,
// and removes its files, before the process exits.
func TestMain(m *testing.M) { mongotest.Main(m) }

const (
	// scaleMongoRows is the number of sessions of BenchmarkScaleMongo's
	// large database on a real MongoDB, the PostgreSQL benchmark's.
	// FerretDB v1 on SQLite inserts 5,600 to 6,600 documents a second on
	// the project's 2-core machine, so 1M sessions (2.1M documents with
	// their refresh tokens and users) took 5 to 6.5 minutes to fill;
	// there it is scaleFerretRows, which fills in under 3. The
	// environment variable envScaleRows sets another size on either.
	scaleMongoRows   = 1_000_000
	scaleFerretRows  = 500_000
	envScaleRows     = "SCALE_MONGO_ROWS"
	scaleMongoBatch  = 10_000
	scaleMongoProbes = 1024
	// scaleMongoTimeout is the store's deadline per call. FerretDB v1 on
	// SQLite scans a collection for every find (see docs/benchmarks.md),
	// so a look-up among 1M sessions took 6 s on average, twice the
	// default deadline; the benchmark times it rather than fail.
	scaleMongoTimeout = 2 * time.Minute
)

// mongoScaleDB is one database filled in bulk through the driver: rows
// sessions (and as many refresh tokens) of rows/10 users, in mongostore's
// collections and document shapes, and probe ids to look up.
type mongoScaleDB struct {
	store    *mongostore.Store[mongostore.User]
	db       *mongo.Database
	rows     int
	sessions []string
	users    []string
}

// The documents as mongostore writes them (its sessionDoc and tokenDoc
// are unexported). fillMongoScaleDB checks that the store reads them back.
type scaleSessionDoc struct {
	ID          string     `bson:"_id"`
	UserID      string     `bson:"user_id"`
	CreatedAt   time.Time  `bson:"created_at"`
	LastUsedAt  time.Time  `bson:"last_used_at"`
	ExpiresAt   time.Time  `bson:"expires_at"`
	RevokedAt   *time.Time `bson:"revoked_at"`
	UserAgent   string     `bson:"user_agent"`
	IP          string     `bson:"ip"`
	CredVersion int64      `bson:"credentials_version"`
	CSRFToken   string     `bson:"csrf_token"`
}

type scaleTokenDoc struct {
	Hash      string    `bson:"_id"`
	SessionID string    `bson:"session_id"`
	CreatedAt time.Time `bson:"created_at"`
	CheckAt   time.Time `bson:"check_at"`
}

// md5Hex is PostgreSQL's md5(s), so that ids look like BenchmarkScale's.
func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// fillMongoScaleDB creates a database on the test server, creates the
// store's indexes (as an application does at start-up) and inserts the
// documents with InsertMany in batches.
func fillMongoScaleDB(b *testing.B, rows int) *mongoScaleDB {
	b.Helper()
	ctx := context.Background()
	db := mongotest.Database(b) // dropped when the benchmark ends
	s := &mongoScaleDB{store: mongostore.MustNew[mongostore.User](db, mongostore.WithTimeout(scaleMongoTimeout)), db: db, rows: rows}
	if err := s.store.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	now := time.Now().UTC().Truncate(time.Millisecond)
	expires := now.Add(30 * 24 * time.Hour)

	nUsers := max(1, rows/10)
	userIDs := make([]bson.ObjectID, nUsers)
	insert(b, db.Collection(mongostore.DefaultCollections.Users), nUsers, func(i int) any {
		userIDs[i] = bson.NewObjectID()
		email := fmt.Sprintf("u%d@example.com", i+1)
		return mongostore.User{ID: userIDs[i], Email: email, EmailNormalized: email,
			Active: true, CreatedAt: now, UpdatedAt: now}
	})
	// Session n (1-based) belongs to user n % nUsers, as in BenchmarkScale.
	insert(b, db.Collection(mongostore.DefaultCollections.Sessions), rows, func(i int) any {
		n := i + 1
		return scaleSessionDoc{ID: md5Hex("s" + strconv.Itoa(n)), UserID: userIDs[n%nUsers].Hex(),
			CreatedAt: now, LastUsedAt: now, ExpiresAt: expires, UserAgent: "bench", IP: "127.0.0.1",
			CSRFToken: md5Hex("c" + strconv.Itoa(n))}
	})
	insert(b, db.Collection(mongostore.DefaultCollections.RefreshTokens), rows, func(i int) any {
		n := i + 1
		return scaleTokenDoc{Hash: md5Hex("r" + strconv.Itoa(n)), SessionID: md5Hex("s" + strconv.Itoa(n)),
			CreatedAt: now, CheckAt: expires}
	})
	took := time.Since(start)
	fmt.Fprintf(os.Stdout, "scale-mongo: filled %d sessions, %d refresh tokens, %d users in %s (%.0f documents/s)\n",
		rows, rows, nUsers, took.Round(time.Second), float64(2*rows+nUsers)/took.Seconds())

	// Probe ids spread over the collection, looked up in turn.
	for i := range scaleMongoProbes {
		n := 1 + i*rows/scaleMongoProbes
		s.sessions = append(s.sessions, md5Hex("s"+strconv.Itoa(n)))
		s.users = append(s.users, userIDs[n%nUsers].Hex())
	}
	// The store reads what was written as its own documents.
	sess, err := s.store.Session(ctx, s.sessions[1])
	if err != nil || sess.UserID != s.users[1] || !sess.Live(now) {
		b.Fatalf("Session(%s) = %+v, %v; want a live session of user %s", s.sessions[1], sess, err, s.users[1])
	}
	return s
}

// insert writes n documents, doc(i) for i in [0, n), with InsertMany in
// batches, and prints its progress for large fills.
func insert(b *testing.B, coll *mongo.Collection, n int, doc func(i int) any) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	batch := make([]any, 0, scaleMongoBatch)
	for i := range n {
		batch = append(batch, doc(i))
		if len(batch) == cap(batch) || i == n-1 {
			if _, err := coll.InsertMany(ctx, batch); err != nil {
				b.Fatalf("insert into %s: %v", coll.Name(), err)
			}
			batch = batch[:0]
			if done := i + 1; n >= 100_000 && done%(n/10) == 0 {
				fmt.Fprintf(os.Stdout, "scale-mongo: %s %d/%d after %s\n",
					coll.Name(), done, n, time.Since(start).Round(time.Second))
			}
		}
	}
	fmt.Fprintf(os.Stdout, "scale-mongo: %d documents into %s in %s\n", n, coll.Name(), time.Since(start).Round(time.Millisecond))
}

// lookup is the middleware's work on a cache miss: the session by id,
// then the user by id. Consecutive look-ups take probes a stride apart,
// so that each of interleave's rounds samples the whole collection: on a
// server whose look-up cost grows with the document's place in the
// collection (FerretDB's scan), a round of neighbouring probes would time
// one region of it only.
func (s *mongoScaleDB) lookup(b *testing.B, name string) part {
	ctx := context.Background()
	stride := len(s.sessions)/round + 1 // 33, coprime with 1,024: every probe comes in turn
	i := 0
	return part{name: name, op: func() {
		i = (i + stride) % len(s.sessions)
		if _, err := s.store.Session(ctx, s.sessions[i]); err != nil {
			b.Fatal(err)
		}
		if _, err := s.store.FindUserByID(ctx, s.users[i]); err != nil {
			b.Fatal(err)
		}
	}}
}

// BenchmarkScaleMongo is BenchmarkScale on MongoDB: it times, interleaved,
// the cold session check and user look-up through mongostore on a
// database of 1k sessions (100 users) and on a large one (1M sessions of
// 100k users; 500k of 50k on FerretDB; SCALE_MONGO_ROWS sessions if set),
// and prints the explain of the store's queries on the large one. The
// server is MONGODB_URI's, or else the FerretDB (SQLite backend) that
// mongotest builds and starts: its figures are FerretDB's, not MongoDB's.
// Run it with make bench-scale-mongo; it is not part of make bench.
func BenchmarkScaleMongo(b *testing.B) {
	rows, server := scaleMongoRows, "the server of "+mongotest.EnvURI
	if os.Getenv(mongotest.EnvURI) == "" {
		rows, server = scaleFerretRows, "FerretDB v1.24.2 (SQLite backend) started by mongotest: FerretDB's figures, not MongoDB's"
	}
	if v := os.Getenv(envScaleRows); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("%s=%q: want a number of sessions of at least 1000", envScaleRows, v)
		}
		rows = n
	}
	mongotest.URI(b) // start (perhaps build) FerretDB before the fill is timed
	fmt.Fprintf(os.Stdout, "scale-mongo: server %s; large database: %d sessions of %d users\n", server, rows, rows/10)
	small, large := fillMongoScaleDB(b, 1_000), fillMongoScaleDB(b, rows)
	explainMongo(b, large)
	interleave(b, small.lookup(b, "rows-1k"), large.lookup(b, "rows-large"))
}

// explainMongo prints the server's explain of the store's queries on s:
// the two of a cache miss, the first of a refresh, the live-session check
// of a refresh or revocation, and the list of a user's sessions.
func explainMongo(b *testing.B, s *mongoScaleDB) {
	b.Helper()
	ctx := context.Background()
	uid, _ := bson.ObjectIDFromHex(s.users[1])
	now := time.Now().UTC()
	live := bson.D{{Key: "revoked_at", Value: nil}, {Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}}}
	c := mongostore.DefaultCollections
	queries := []struct {
		what, coll string
		filter     bson.D
		sort       bson.D
		limit      int
	}{
		{"Session (cache miss)", c.Sessions, bson.D{{Key: "_id", Value: s.sessions[1]}}, nil, 1},
		{"FindUserByID (cache miss)", c.Users, bson.D{{Key: "_id", Value: uid}}, nil, 1},
		{"RotateRefreshToken: the token", c.RefreshTokens, bson.D{{Key: "_id", Value: md5Hex("r2")}}, nil, 1},
		{"RotateRefreshToken, RevokeSession: the live session", c.Sessions,
			append(bson.D{{Key: "_id", Value: s.sessions[1]}}, live...), nil, 1},
		{"ListSessions", c.Sessions, append(bson.D{{Key: "user_id", Value: s.users[1]}}, live...),
			bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}, 0},
	}
	for _, q := range queries {
		find := bson.D{{Key: "find", Value: q.coll}, {Key: "filter", Value: q.filter}}
		if q.sort != nil {
			find = append(find, bson.E{Key: "sort", Value: q.sort})
		}
		if q.limit > 0 {
			find = append(find, bson.E{Key: "limit", Value: q.limit}, bson.E{Key: "singleBatch", Value: true})
		}
		shownQ := bson.D{{Key: "filter", Value: q.filter}}
		if q.sort != nil {
			shownQ = append(shownQ, bson.E{Key: "sort", Value: q.sort})
		}
		shown, _ := bson.MarshalExtJSON(shownQ, false, false)
		fmt.Fprintf(os.Stdout, "explain: %s: find %s %s\n", q.what, q.coll, shown)
		var res bson.Raw
		err := s.db.RunCommand(ctx, bson.D{{Key: "explain", Value: find}, {Key: "verbosity", Value: "executionStats"}}).Decode(&res)
		if err != nil {
			fmt.Fprintf(os.Stdout, "    not supported by the server: %v\n", err)
			continue
		}
		for _, line := range explainSummary(res) {
			fmt.Fprintf(os.Stdout, "    %s\n", line)
		}
	}
}

// explainSummary keeps the parts of an explain answer that say how the
// server found the documents: MongoDB's winning plan and counts of keys
// and documents examined; FerretDB's SQLite query plan and whether the
// filter, sort and limit were pushed down to SQLite.
func explainSummary(res bson.Raw) []string {
	var out []string
	show := func(label string, path ...string) {
		v, err := res.LookupErr(path...)
		if err != nil {
			return
		}
		if arr, ok := v.ArrayOK(); ok { // FerretDB's plan: one line per step
			vals, _ := arr.Values()
			for _, step := range vals {
				if str, ok := step.StringValueOK(); ok {
					out = append(out, label+": "+str)
				} else {
					out = append(out, label+": "+step.String())
				}
			}
			return
		}
		text := v.String()
		if doc, ok := v.DocumentOK(); ok {
			if j, err := bson.MarshalExtJSON(doc, false, false); err == nil {
				text = string(j)
			}
		}
		out = append(out, label+": "+text)
	}
	show("winningPlan", "queryPlanner", "winningPlan")
	show("nReturned", "executionStats", "nReturned")
	show("totalKeysExamined", "executionStats", "totalKeysExamined")
	show("totalDocsExamined", "executionStats", "totalDocsExamined")
	show("SQLite plan", "queryPlanner", "Plan")
	show("filterPushdown", "filterPushdown")
	show("sortPushdown", "sortPushdown")
	show("limitPushdown", "limitPushdown")
	if len(out) == 0 {
		out = append(out, "answer: "+res.String())
	}
	return out
}
