package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/prowl-hunt/prowl"
)

// Engine runs queries and control commands; *prowl.DB implements it.
type Engine interface {
	// Query runs a KQL query (or a control command text) with the values of
	// its declared query parameters.
	Query(ctx context.Context, text string, p prowl.Params) (*prowl.Result, error)
	// Exec runs a control command (text starting with '.').
	Exec(ctx context.Context, text string) (*prowl.Result, error)
}

// Ingester is implemented by engines that take rows over the streaming-ingest
// route. Ingest imports the rows of body, in format "ndjson" (Kusto's Json:
// one object per line), "json" (Kusto's MultiJson: objects or arrays of them,
// any layout) or "csv", into table, and returns only once the accepted rows are
// committed.
type Ingester interface {
	Ingest(ctx context.Context, table, format string, body io.Reader) (IngestResult, error)
}

// IngestResult is what an ingest did.
type IngestResult struct {
	Accepted int64 // rows committed
	Rejected int64 // rows that could not be converted to the table's schema
}

// Defaults of Config.
const (
	DefaultAddr          = "127.0.0.1:8080"
	DefaultQueryTimeout  = 4 * time.Minute
	MaxQueryTimeout      = time.Hour
	DefaultMaxRows       = 500_000
	DefaultMaxBytes      = 64 << 20
	DefaultMaxBodyBytes  = 4 << 20
	DefaultShutdownGrace = 30 * time.Second
)

// Config configures a Server. Zero fields take the defaults.
type Config struct {
	// Addr is the listen address; "" means 127.0.0.1:8080. Any address that is
	// not loopback requires Token.
	Addr string
	// Token, when set, is the bearer token every request must carry
	// (`Authorization: Bearer <token>`), compared in constant time.
	Token string
	// AnonymousQueries lets read-only requests (queries, `.show`/`.export`
	// commands) through without the token when listening on loopback; commands
	// that change state and ingest still need it.
	AnonymousQueries bool
	// MaxBodyBytes caps a request body (after decompression); 0 means 4 MiB,
	// the Kusto streaming-ingest limit.
	MaxBodyBytes int64
	// QueryTimeout is the default time a query may run; 0 means 4 minutes, the
	// Kusto default. Clients may ask for another through
	// Options.servertimeout, up to one hour.
	QueryTimeout time.Duration
	// MaxRows and MaxBytes cap a result (defaults 500,000 rows and 64 MB of
	// JSON, the Kusto defaults); a longer result is cut and the truncation
	// reported. Clients may lower them (Options.truncationmaxrecords,
	// truncationmaxsize) or lift them (Options.notruncation).
	MaxRows  int64
	MaxBytes int64
	// MaxConcurrent caps the requests running at once; others get HTTP 429.
	// 0 means 4 × GOMAXPROCS.
	MaxConcurrent int
	// QueueWait is how long a request waits for a slot when MaxConcurrent are
	// running before it is refused as busy; 0 means 1 second, negative means
	// refuse at once.
	QueueWait time.Duration
	// ShutdownGrace is how long ListenAndServe waits for running requests when
	// its context ends; 0 means 30 seconds.
	ShutdownGrace time.Duration
	// Logger receives one line per request; nil means slog.Default().
	Logger *slog.Logger
	// Now replaces the clock in error contexts and completion frames (tests).
	Now func() time.Time
}

// Server is the Kusto-REST endpoint: an http.Handler over an Engine.
type Server struct {
	eng      Engine
	cfg      Config
	loopback bool
	sem      chan struct{}
	mux      *http.ServeMux
	log      *slog.Logger
}

// New returns a Server for eng. It fails when the configuration is unsafe: a
// non-loopback address without a token.
func New(eng Engine, cfg Config) (*Server, error) {
	if eng == nil {
		return nil, errors.New("server: no engine")
	}
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.MaxRows <= 0 {
		cfg.MaxRows = DefaultMaxRows
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxConcurrent <= 0 {
		cfg.MaxConcurrent = 4 * runtime.GOMAXPROCS(0)
	}
	if cfg.QueueWait == 0 {
		cfg.QueueWait = time.Second
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = DefaultShutdownGrace
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{
		eng:      eng,
		cfg:      cfg,
		loopback: IsLoopback(cfg.Addr),
		sem:      make(chan struct{}, cfg.MaxConcurrent),
		log:      cfg.Logger,
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if !s.loopback && cfg.Token == "" {
		return nil, fmt.Errorf("server: listening on %s (not loopback) needs a bearer token (--token or PROWL_TOKEN)", cfg.Addr)
	}
	if !s.loopback && cfg.AnonymousQueries {
		return nil, fmt.Errorf("server: anonymous queries are allowed only on a loopback address, not %s", cfg.Addr)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/rest/auth/metadata", s.authMetadata)
	mux.HandleFunc("POST /v1/rest/query", s.handleQuery(v1Query))
	mux.HandleFunc("POST /v2/rest/query", s.handleQuery(v2Query))
	mux.HandleFunc("POST /v1/rest/mgmt", s.handleQuery(v1Mgmt))
	mux.HandleFunc("POST /v1/rest/ingest/{db}/{table}", s.handleIngest)
	mux.HandleFunc("/", s.notFound)
	s.mux = mux
	return s, nil
}

// IsLoopback reports whether a listen address only accepts local connections:
// a loopback IP or "localhost". An empty host (all interfaces) is not.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// ListenAndServe listens on Config.Addr and serves until ctx ends, then shuts
// down gracefully: it stops accepting, lets running requests finish for up to
// Config.ShutdownGrace, then cancels them.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends (see ListenAndServe). The listener's
// address must satisfy the same rule as Config.Addr.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if !IsLoopback(ln.Addr().String()) && s.cfg.Token == "" {
		ln.Close()
		return fmt.Errorf("server: listening on %s (not loopback) needs a bearer token", ln.Addr())
	}
	baseCtx, cancelAll := context.WithCancel(context.Background())
	defer cancelAll()
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // whole request, body included
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return baseCtx },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	err := hs.Shutdown(shCtx)
	if err != nil {
		// Grace is over: cancel the queries still running and close.
		cancelAll()
		hs.Close()
	}
	<-errc
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("server: shutdown grace of %s over, running requests cancelled", s.cfg.ShutdownGrace)
	}
	return err
}

// authMetadata answers the SDKs' first request. With no Azure AD in play the
// answer is 404 with an empty body, which the Go SDK takes as "no auth".
func (s *Server) authMetadata(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(http.StatusNotFound)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	rc := s.newReqCtx(w, r)
	rc.fail(&apiError{status: http.StatusNotFound, code: "General_NotFound",
		msg: fmt.Sprintf("no route %s %s (prowl serves /v1/rest/query, /v2/rest/query, /v1/rest/mgmt, /v1/rest/ingest/{db}/{table})", r.Method, r.URL.Path)})
}

// authorize checks the bearer token. mutating is true for requests that change
// state (commands other than .show/.export, ingest).
func (s *Server) authorize(r *http.Request, mutating bool) *apiError {
	if s.cfg.Token == "" {
		// New refuses a non-loopback address without a token, so this is loopback.
		return nil
	}
	if !mutating && s.cfg.AnonymousQueries && s.loopback {
		return nil
	}
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if h == "" {
		return &apiError{status: http.StatusUnauthorized, code: "Unauthorized",
			msg: "missing bearer token: send 'Authorization: Bearer <token>'"}
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") ||
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.cfg.Token)) != 1 {
		return &apiError{status: http.StatusUnauthorized, code: "Unauthorized", msg: "invalid bearer token"}
	}
	return nil
}

// acquire takes a slot of the concurrency cap, waiting up to QueueWait, or
// reports busy.
func (s *Server) acquire(ctx context.Context) (release func(), err *apiError) {
	release = func() { <-s.sem }
	select {
	case s.sem <- struct{}{}:
		return release, nil
	default:
	}
	busy := &apiError{status: http.StatusTooManyRequests, code: "TooManyRequests",
		msg: fmt.Sprintf("server busy: %d requests already running (the limit); retry shortly", cap(s.sem))}
	if s.cfg.QueueWait < 0 {
		return nil, busy
	}
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.sem <- struct{}{}:
		return release, nil
	case <-t.C:
		return nil, busy
	case <-ctx.Done():
		return nil, &apiError{status: 499, code: "RequestCancelled", msg: "request cancelled while waiting for a slot"}
	}
}

// newUUID returns a random (version 4) UUID in canonical form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}
