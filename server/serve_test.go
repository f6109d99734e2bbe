package server

import (
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"
)

// TestGracefulShutdown: when Serve's context ends, a running query still
// finishes and is answered; Serve then returns.
func TestGracefulShutdown(t *testing.T) {
	eng := &fakeEngine{hold: make(chan struct{})}
	srv, err := New(eng, Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	answered := make(chan rawResp, 1)
	go func() { answered <- post(t, url, "/v2/rest/query", queryBody("alltypes", ""), nil) }()
	for eng.running.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	time.Sleep(50 * time.Millisecond)
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v with a query running", err)
	default:
	}
	close(eng.hold)
	if r := <-answered; r.status != 200 {
		t.Errorf("running query answered %d", r.status)
	}
	select {
	case err := <-served:
		if err != nil && !strings.Contains(err.Error(), "Server closed") {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after shutdown")
	}
}

func TestServeRefusesPublicListenerWithoutToken(t *testing.T) {
	srv, err := New(&fakeEngine{}, Config{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Serve(context.Background(), ln); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("Serve on %s = %v, want a refusal", ln.Addr(), err)
	}
}
