package main

import (
	"context"
	"errors"
)

func openMongo(ctx context.Context, opts appOptions, url string) (*app, error) {
	return nil, errors.New("-db mongodb://…: the MongoDB store is not wired into the example yet")
}
