package fn

import (
	"fmt"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
	"github.com/prowl-hunt/prowl/lang/builtin"
)

// Registry maps function names (canonical and aliases) to their signatures
// and, for scalar functions, their kernels. NewRegistry starts with every
// built-in function of package builtin; Register adds more (discovery, library
// users). It implements lang.Functions. It is safe for concurrent use;
// registration is expected before the first query.
type Registry struct {
	mu      sync.RWMutex
	sigs    map[string]*lang.FuncSig // by name and alias
	names   []string                 // canonical, sorted
	kernels map[string]Kernel        // by canonical name
}

var _ lang.Functions = (*Registry)(nil)

// NewRegistry returns a registry holding the built-in functions: every
// signature of builtin.Functions() and a kernel for every built-in scalar
// function except those the engine resolves itself (see ResolvedByEngine).
func NewRegistry() *Registry {
	r := &Registry{sigs: make(map[string]*lang.FuncSig), kernels: builtinKernels()}
	fs := builtin.Functions()
	for _, name := range fs.Names() {
		sig, ok := fs.Lookup(name)
		if !ok {
			continue
		}
		r.add(sig)
	}
	return r
}

// ResolvedByEngine reports whether a built-in scalar function has no kernel
// because the engine evaluates it from the row context: column_ifexists
// (a column or a default) and pack_all (all columns of the row).
func ResolvedByEngine(name string) bool {
	return name == "column_ifexists" || name == "pack_all"
}

func (r *Registry) add(sig *lang.FuncSig) {
	r.sigs[sig.Name] = sig
	for _, a := range sig.Aliases {
		r.sigs[a] = sig
	}
	r.names = append(r.names, sig.Name)
	sort.Strings(r.names)
}

// Register adds a function. Scalar functions need a kernel; aggregate and
// tabular signatures take none. Neither the name nor an alias may already be
// known.
func (r *Registry) Register(sig *lang.FuncSig, k Kernel) error {
	if sig == nil || sig.Name == "" {
		return fmt.Errorf("register function: missing name")
	}
	if sig.Kind == lang.Scalar && k == nil {
		return fmt.Errorf("register function %s: a scalar function needs a kernel", sig.Name)
	}
	if sig.Result == nil && sig.Kind != lang.Tabular {
		return fmt.Errorf("register function %s: missing result type rule", sig.Name)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range append([]string{sig.Name}, sig.Aliases...) {
		if _, dup := r.sigs[n]; dup {
			return fmt.Errorf("register function %s: name %q is already taken", sig.Name, n)
		}
	}
	r.add(sig)
	if k != nil {
		r.kernels[sig.Name] = k
	}
	return nil
}

// Lookup returns the function with this name or alias.
func (r *Registry) Lookup(name string) (*lang.FuncSig, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.sigs[name]
	return s, ok
}

// Names lists the canonical names in alphabetical order.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return append([]string(nil), r.names...)
}

// Kernel returns the kernel of a scalar function, by name or alias.
func (r *Registry) Kernel(name string) (Kernel, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if s, ok := r.sigs[name]; ok {
		name = s.Name
	}
	k, ok := r.kernels[name]
	return k, ok
}

// Call evaluates the scalar function name over n rows.
func (r *Registry) Call(ctx *Context, name string, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
	k, ok := r.Kernel(name)
	if !ok {
		return nil, fmt.Errorf("function %s has no kernel", name)
	}
	a, err := k(ctx, args, n, out)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return a, nil
}
