package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/ginjwt/ginjwt/mongostore"
)

// openMongo connects to mongodb://host:port/dbname; the database name comes
// from the URL's path.
func openMongo(ctx context.Context, opts appOptions, uri string) (*app, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	name := strings.Trim(u.Path, "/")
	if name == "" {
		return nil, fmt.Errorf("-db %q: name the database in the path, as in mongodb://127.0.0.1:27017/ginjwt", uri)
	}
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		return nil, fmt.Errorf("connecting to MongoDB: %w", err)
	}
	closeClient := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = client.Disconnect(ctx)
	}
	store, err := mongostore.New[mongostore.User](client.Database(name))
	if err == nil {
		err = store.EnsureIndexes(ctx)
	}
	if err != nil {
		closeClient()
		return nil, fmt.Errorf("preparing MongoDB database %s: %w", name, err)
	}
	if !store.TTL() {
		opts.Logger.Info("example: this MongoDB server has no TTL indexes; expired sessions are purged by the auth routes instead")
	}
	h, reload, closeAuth, err := build(opts, store, store)
	if err != nil {
		closeClient()
		return nil, err
	}
	return &app{Handler: h, Reload: reload, Store: "mongodb " + name, Close: func() { closeAuth(); closeClient() }}, nil
}
