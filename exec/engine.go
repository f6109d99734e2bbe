package exec

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prowl-hunt/prowl/exec/agg"
	"github.com/prowl-hunt/prowl/exec/ext"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/ast"
)

// Config wires an Engine to its parts.
type Config struct {
	// Source provides tables; may be nil (only datatable/print/range/virtual tables).
	Source Source
	// Functions holds the built-in function signatures (lang/builtin).
	Functions lang.Functions
	// Kernel finds built-in scalar kernels by canonical name (exec/fn).
	Kernel func(name string) (fn.Kernel, bool)
	// Aggregates makes aggregators (exec/agg).
	Aggregates agg.Factory
	// Parallelism is the number of scan workers; 0 means GOMAXPROCS.
	Parallelism int
	// MemoryBudget caps a query's memory in pipeline breakers; 0 means 4 GiB.
	MemoryBudget int64
	// Now replaces the clock when set.
	Now func() time.Time
}

type extFunc struct {
	sig    *lang.FuncSig
	kernel fn.Kernel
}

type virtualTable struct {
	cols kusto.Schema
	src  ext.TableSource
}

// Engine plans and runs queries and commands. It implements ext.Registry,
// lang.Functions (built-ins plus extensions) and lang.Tables (storage plus
// virtual tables). It is safe for concurrent use.
type Engine struct {
	cfg Config

	mu       sync.RWMutex
	funcs    map[string]*extFunc
	aliases  map[string]string
	stored   []*storedFunc
	tables   map[string]*virtualTable
	commands map[string]ext.CommandFunc
}

// New makes an engine.
func New(cfg Config) *Engine {
	if cfg.Parallelism <= 0 {
		cfg.Parallelism = runtime.GOMAXPROCS(0)
	}
	if cfg.MemoryBudget <= 0 {
		cfg.MemoryBudget = 4 << 30
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Engine{
		cfg:      cfg,
		funcs:    map[string]*extFunc{},
		aliases:  map[string]string{},
		tables:   map[string]*virtualTable{},
		commands: map[string]ext.CommandFunc{},
	}
}

var _ ext.Registry = (*Engine)(nil)
var _ lang.Functions = (*Engine)(nil)
var _ lang.Tables = (*Engine)(nil)

// RegisterFunction adds a scalar (or tabular) function.
func (e *Engine) RegisterFunction(sig *lang.FuncSig, kernel fn.Kernel) error {
	if sig == nil || sig.Name == "" {
		return fmt.Errorf("register function: missing name")
	}
	if _, ok := e.Lookup(sig.Name); ok {
		return fmt.Errorf("register function %s: name already in use", sig.Name)
	}
	if sig.Kind == 0 {
		sig.Kind = lang.Scalar
	}
	if sig.Kind == lang.Scalar && kernel == nil {
		return fmt.Errorf("register function %s: no kernel", sig.Name)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.funcs[sig.Name] = &extFunc{sig: sig, kernel: kernel}
	for _, a := range sig.Aliases {
		e.aliases[a] = sig.Name
	}
	return nil
}

// RegisterStoredFunction adds a KQL-defined function.
func (e *Engine) RegisterStoredFunction(name, text string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.stored {
		if s.name == name {
			return fmt.Errorf("register stored function %s: name already in use", name)
		}
	}
	e.stored = append(e.stored, newStoredFunc(name, text))
	return nil
}

// storedFunc is a stored KQL function. Its text is parsed when a query first
// names it, so opening a database does not parse every extension's
// functions (a CLI run pays only for what its query uses).
type storedFunc struct {
	name, text string
	let        func() (*ast.LetStmt, error)
}

func newStoredFunc(name, text string) *storedFunc {
	return &storedFunc{name: name, text: text, let: sync.OnceValues(func() (*ast.LetStmt, error) {
		script, err := lang.Parse("let " + name + " = " + text + ";\nprint 0")
		if err != nil {
			return nil, fmt.Errorf("stored function %s: %w", name, err)
		}
		if len(script.Stmts) == 0 {
			return nil, fmt.Errorf("stored function %s: empty definition", name)
		}
		let, ok := script.Stmts[0].(*ast.LetStmt)
		if !ok {
			return nil, fmt.Errorf("stored function %s: not a function definition", name)
		}
		return let, nil
	})}
}

// RegisterTable adds a virtual table.
func (e *Engine) RegisterTable(name string, columns kusto.Schema, src ext.TableSource) error {
	if _, ok := e.Table(name); ok {
		return fmt.Errorf("register table %s: name already in use", name)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tables[name] = &virtualTable{cols: columns, src: src}
	return nil
}

// RegisterCommand adds a control command.
func (e *Engine) RegisterCommand(verb string, run ext.CommandFunc) error {
	verb = strings.Join(strings.Fields(strings.ToLower(verb)), " ")
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.commands[verb]; ok || builtinCommand(verb) {
		return fmt.Errorf("register command .%s: already defined", verb)
	}
	e.commands[verb] = run
	return nil
}

// Lookup finds a function by name or alias: extensions, then built-ins.
func (e *Engine) Lookup(name string) (*lang.FuncSig, bool) {
	e.mu.RLock()
	f, ok := e.funcs[name]
	if !ok {
		if canon, ok2 := e.aliases[name]; ok2 {
			f, ok = e.funcs[canon]
		}
	}
	e.mu.RUnlock()
	if ok {
		return f.sig, true
	}
	if e.cfg.Functions != nil {
		return e.cfg.Functions.Lookup(name)
	}
	return nil, false
}

// Names lists function names (built-ins, extensions, stored functions).
func (e *Engine) Names() []string {
	var out []string
	if e.cfg.Functions != nil {
		out = append(out, e.cfg.Functions.Names()...)
	}
	e.mu.RLock()
	for n := range e.funcs {
		out = append(out, n)
	}
	for _, s := range e.stored {
		out = append(out, s.name)
	}
	e.mu.RUnlock()
	sort.Strings(out)
	return out
}

// Table returns the schema of a stored or virtual table.
func (e *Engine) Table(name string) (kusto.Schema, bool) {
	e.mu.RLock()
	v, ok := e.tables[name]
	e.mu.RUnlock()
	if ok {
		return v.cols, true
	}
	if e.cfg.Source != nil {
		return e.cfg.Source.Table(name)
	}
	return nil, false
}

// TableNames lists stored and virtual tables.
func (e *Engine) TableNames() []string {
	var out []string
	if e.cfg.Source != nil {
		out = append(out, e.cfg.Source.TableNames()...)
	}
	e.mu.RLock()
	for n := range e.tables {
		out = append(out, n)
	}
	e.mu.RUnlock()
	sort.Strings(out)
	return out
}

func (e *Engine) kernel(name string) (fn.Kernel, bool) {
	e.mu.RLock()
	f, ok := e.funcs[name]
	e.mu.RUnlock()
	if ok && f.kernel != nil {
		return f.kernel, true
	}
	if e.cfg.Kernel != nil {
		return e.cfg.Kernel(name)
	}
	return nil, false
}

// storedLets returns the stored functions a query text may use: those whose
// name appears in it or in the text of another one it uses, each after the
// ones its own text names (they are bound as lets in that order).
func (e *Engine) storedLets(text string) ([]*ast.LetStmt, error) {
	e.mu.RLock()
	stored := append([]*storedFunc(nil), e.stored...)
	e.mu.RUnlock()
	seen := make([]bool, len(stored))
	var lets []*ast.LetStmt
	var visit func(text string) error
	visit = func(text string) error {
		for i, f := range stored {
			if seen[i] || !strings.Contains(text, f.name) {
				continue
			}
			seen[i] = true
			if err := visit(f.text); err != nil {
				return err
			}
			let, err := f.let()
			if err != nil {
				return err
			}
			lets = append(lets, let)
		}
		return nil
	}
	if err := visit(text); err != nil {
		return nil, err
	}
	return lets, nil
}

// Check parses and binds a query (or parses a command) without running it.
func (e *Engine) Check(text string, params map[string]string) error {
	_, _, err := e.prepare(text, params)
	return err
}

// prepare parses and binds text.
func (e *Engine) prepare(text string, params map[string]string) (*ast.Script, *lang.Info, error) {
	script, err := lang.Parse(text)
	if err != nil {
		return nil, nil, err
	}
	if script.Command != nil {
		return script, nil, nil
	}
	var ptypes map[string]kusto.Type
	if len(params) > 0 {
		ptypes = map[string]kusto.Type{}
		for n := range params {
			ptypes[n] = kusto.String
		}
	}
	stored, err := e.storedLets(text)
	if err != nil {
		return nil, nil, err
	}
	info, err := lang.Bind(script, &lang.Env{Tables: e, Functions: e, Stored: stored, ParamTypes: ptypes})
	if err != nil {
		return nil, nil, err
	}
	return script, info, nil
}

func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
