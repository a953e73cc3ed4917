package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// client sends the driver's own requests (everything but wrk's) to the
// server and counts the answers by kind.
type client struct {
	base string
	http *http.Client
	tally
}

func newClient(base string) *client {
	return &client{
		base: base,
		http: &http.Client{
			Timeout:   30 * time.Second,
			Transport: &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second},
		},
		tally: tally{kinds: map[string]*kindCount{}},
	}
}

// response is what the driver keeps of an answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends one request. A token is sent as a bearer token.
func (c *client) do(ctx context.Context, method, path, body, token string) (*response, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return &response{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
}

// pair is a token pair from sign-in or refresh.
type pair struct {
	Access  string `json:"access_token"`
	Refresh string `json:"refresh_token"`
}

func (r *response) pair() (pair, error) {
	var p pair
	if err := json.Unmarshal(r.Body, &p); err != nil {
		return p, err
	}
	if p.Access == "" || p.Refresh == "" {
		return p, fmt.Errorf("no token pair in %.200q", r.Body)
	}
	return p, nil
}

// credentials returns a sign-in body.
func credentials(email, password string) string {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	return string(b)
}

// tally counts answers by kind of request: the status codes, the requests
// that got no answer (transport errors), and the answers whose status (or
// headers) the kind never should get.
type tally struct {
	mu    sync.Mutex
	kinds map[string]*kindCount
}

type kindCount struct {
	Statuses   map[int]int
	Transport  int      // requests that got no HTTP answer
	Unexpected int      // answers the kind should never get
	Examples   []string // the first few transport errors and unexpected answers
}

const maxExamples = 5

func (t *tally) kind(name string) *kindCount {
	k := t.kinds[name]
	if k == nil {
		k = &kindCount{Statuses: map[int]int{}}
		t.kinds[name] = k
	}
	return k
}

// record counts an answer of kind name; why is empty when the answer is
// one the kind may get, or says what is wrong with it.
func (t *tally) record(name string, r *response, why string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.kind(name)
	k.Statuses[r.Status]++
	if why != "" {
		k.Unexpected++
		if len(k.Examples) < maxExamples {
			k.Examples = append(k.Examples, fmt.Sprintf("%d: %s; body %.200q", r.Status, why, r.Body))
		}
	}
}

// failed counts a request of kind name that got no answer.
func (t *tally) failed(name string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := t.kind(name)
	k.Transport++
	if len(k.Examples) < maxExamples {
		k.Examples = append(k.Examples, "no answer: "+err.Error())
	}
}

// snapshot returns a copy of the counts.
func (t *tally) snapshot() map[string]kindCount {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]kindCount, len(t.kinds))
	for name, k := range t.kinds {
		c := *k
		c.Statuses = make(map[int]int, len(k.Statuses))
		for s, n := range k.Statuses {
			c.Statuses[s] = n
		}
		c.Examples = append([]string(nil), k.Examples...)
		out[name] = c
	}
	return out
}

// total is the number of requests, answered or not.
func (k kindCount) total() int {
	n := k.Transport
	for _, c := range k.Statuses {
		n += c
	}
	return n
}

// count5xx is the number of answers with a 5xx status.
func (k kindCount) count5xx() int {
	n := 0
	for s, c := range k.Statuses {
		if s >= 500 {
			n += c
		}
	}
	return n
}

// statusList formats the statuses as "200:1234 401:5", in order.
func (k kindCount) statusList() string {
	codes := make([]int, 0, len(k.Statuses))
	for s := range k.Statuses {
		codes = append(codes, s)
	}
	sort.Ints(codes)
	parts := make([]string, len(codes))
	for i, s := range codes {
		parts[i] = fmt.Sprintf("%d:%d", s, k.Statuses[s])
	}
	return strings.Join(parts, " ")
}
