package discovery

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/discovery/catalog"
	"github.com/prowl-hunt/prowl/discovery/score"
	"github.com/prowl-hunt/prowl/exec/fn"
	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/lang"
)

// scalarFunc is one scalar function discovery registers.
type scalarFunc struct {
	sig    *lang.FuncSig
	kernel fn.Kernel
}

func stringArgs(name string, out kusto.Type) func(args []kusto.Type) (kusto.Type, error) {
	return func(args []kusto.Type) (kusto.Type, error) {
		for _, a := range args {
			if a != kusto.String && a != kusto.Dynamic && a != kusto.Guid {
				return kusto.Invalid, fmt.Errorf("%s expects a string (a URL, host name, app name or app id), not %s", name, a)
			}
		}
		return out, nil
	}
}

// deviceArgs checks (daily:dynamic, unsanctioned:number, lowscore:number).
func deviceArgs(name string) func(args []kusto.Type) (kusto.Type, error) {
	return func(args []kusto.Type) (kusto.Type, error) {
		if args[0] != kusto.Dynamic && args[0] != kusto.String {
			return kusto.Invalid, fmt.Errorf("%s: argument 1 must be the dynamic array of [day, upload, transactions], not %s", name, args[0])
		}
		for i, a := range args[1:] {
			if !a.IsNumeric() {
				return kusto.Invalid, fmt.Errorf("%s: argument %d must be a number, not %s", name, i+2, a)
			}
		}
		return kusto.String, nil
	}
}

// functions returns the scalar functions of the service.
func (s *Service) functions() []scalarFunc {
	// withIndex makes a kernel that has the app index (built on first use).
	withIndex := func(k func(idx *appIndex) fn.Kernel) fn.Kernel {
		return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
			idx, err := s.index()
			if err != nil {
				return nil, err
			}
			return k(idx)(ctx, args, n, out)
		}
	}
	sig := func(name string, out kusto.Type) *lang.FuncSig {
		return &lang.FuncSig{Name: name, Kind: lang.Scalar, MinArgs: 1, MaxArgs: 1, Result: stringArgs(name, out)}
	}
	// appString maps the app a value names (or nil) to a string.
	appString := func(name string, out kusto.Type, f func(a *catalog.App) string) scalarFunc {
		return scalarFunc{sig: sig(name, out), kernel: withIndex(func(idx *appIndex) fn.Kernel {
			return stringKernel(func(v string) string {
				a, _ := idx.app(v)
				return f(a)
			})
		})}
	}
	return []scalarFunc{
		{sig: sig("cloud_app", kusto.String), kernel: withIndex(func(idx *appIndex) fn.Kernel {
			return stringKernel(func(v string) string {
				if a, ok := idx.cat.Match(v); ok {
					return a.Name
				}
				return ""
			})
		})},
		appString("cloud_app_id", kusto.String, func(a *catalog.App) string {
			if a == nil {
				return ""
			}
			return a.ID
		}),
		appString("cloud_app_category", kusto.String, func(a *catalog.App) string {
			if a == nil {
				return ""
			}
			return a.Category
		}),
		appString("cloud_app_domains", kusto.Dynamic, func(a *catalog.App) string {
			if a == nil {
				return "[]"
			}
			b, _ := json.Marshal(a.AllDomains())
			return string(b)
		}),
		{sig: sig("cloud_app_tag", kusto.String), kernel: withIndex(func(idx *appIndex) fn.Kernel {
			return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
				tags, err := s.currentTags() // once per batch, not per value
				if err != nil {
					return nil, err
				}
				return stringKernel(func(v string) string {
					if a, ok := idx.app(v); ok {
						return tags[a.ID].Tag
					}
					return ""
				})(ctx, args, n, out)
			}
		})},
		{sig: sig("url_host", kusto.String), kernel: stringKernel(catalog.NormalizeHost)},
		{sig: sig("cloud_app_score", kusto.Real), kernel: withIndex(func(idx *appIndex) fn.Kernel {
			return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
				return realKernel(ctx, args[0], n, func(v string) (float64, bool) {
					a, ok := idx.app(v)
					if !ok || idx.scores[a.ID] == nil {
						return 0, false
					}
					return *idx.scores[a.ID], true
				})
			}
		})},
		{sig: sig("cloud_app_tagged_at", kusto.DateTime), kernel: withIndex(func(idx *appIndex) fn.Kernel {
			return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
				tags, err := s.currentTags()
				if err != nil {
					return nil, err
				}
				return timeKernel(ctx, args[0], n, func(v string) (int64, bool) {
					a, ok := idx.app(v)
					if !ok {
						return 0, false
					}
					t, ok := tags[a.ID]
					return t.Time.UnixNano(), ok
				})
			}
		})},
		{sig: accountUserSig, kernel: accountUserKernel},
		{
			sig:    &lang.FuncSig{Name: "device_risk_level", Kind: lang.Scalar, MinArgs: 3, MaxArgs: 3, Result: deviceArgs("device_risk_level")},
			kernel: deviceKernel(func(r score.DeviceRisk) string { return r.Level }),
		},
		{
			sig:    &lang.FuncSig{Name: "device_risk_reasons", Kind: lang.Scalar, MinArgs: 3, MaxArgs: 3, Result: deviceArgs("device_risk_reasons")},
			kernel: deviceKernel(func(r score.DeviceRisk) string { return r.String() }),
		},
	}
}

// stringKernel maps a string function over a String argument. The engine
// calls kernels of one varying argument on dictionary values, so f runs once
// per distinct value there.
func stringKernel(f func(string) string) fn.Kernel {
	return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
		in, ok := args[0].Array.(*array.String)
		b := array.NewStringBuilder(ctx.Allocator())
		defer b.Release()
		b.Reserve(n)
		b.ReserveData(n * 8)
		if !ok {
			// A null literal or another layout: every row is "".
			for i := 0; i < n; i++ {
				b.Append(f(""))
			}
			return b.NewArray(), nil
		}
		if args[0].Const {
			v := ""
			if in.Len() > 0 && in.IsValid(0) {
				v = in.Value(0)
			}
			r := f(v)
			for i := 0; i < n; i++ {
				b.Append(r)
			}
			return b.NewArray(), nil
		}
		for i := 0; i < n; i++ {
			if in.IsNull(i) {
				b.Append(f(""))
				continue
			}
			b.Append(f(in.Value(i)))
		}
		return b.NewArray(), nil
	}
}

func realKernel(ctx *fn.Context, arg fn.Arg, n int, f func(string) (float64, bool)) (arrow.Array, error) {
	in, _ := arg.Array.(*array.String)
	b := array.NewFloat64Builder(ctx.Allocator())
	defer b.Release()
	b.Reserve(n)
	at := func(i int) string {
		if in == nil {
			return ""
		}
		if arg.Const {
			i = 0
		}
		if i >= in.Len() || in.IsNull(i) {
			return ""
		}
		return in.Value(i)
	}
	if arg.Const {
		v, ok := f(at(0))
		for i := 0; i < n; i++ {
			if ok {
				b.Append(v)
			} else {
				b.AppendNull()
			}
		}
		return b.NewArray(), nil
	}
	for i := 0; i < n; i++ {
		if v, ok := f(at(i)); ok {
			b.Append(v)
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray(), nil
}

func timeKernel(ctx *fn.Context, arg fn.Arg, n int, f func(string) (int64, bool)) (arrow.Array, error) {
	in, _ := arg.Array.(*array.String)
	b := array.NewTimestampBuilder(ctx.Allocator(), &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"})
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		j := i
		if arg.Const {
			j = 0
		}
		v := ""
		if in != nil && j < in.Len() && in.IsValid(j) {
			v = in.Value(j)
		}
		if t, ok := f(v); ok {
			b.Append(arrow.Timestamp(t))
		} else {
			b.AppendNull()
		}
	}
	return b.NewArray(), nil
}

// num reads argument i of a numeric Arg at row r; null reads as 0.
func num(a fn.Arg, r int) float64 {
	if a.Const {
		r = 0
	}
	if r >= a.Array.Len() || a.Array.IsNull(r) {
		return 0
	}
	switch x := a.Array.(type) {
	case *array.Int64:
		return float64(x.Value(r))
	case *array.Int32:
		return float64(x.Value(r))
	case *array.Float64:
		return x.Value(r)
	}
	return 0
}

// deviceKernel evaluates device risk from (daily, unsanctioned apps,
// low-score apps): daily is a dynamic array of [day, upload bytes,
// transactions] triples, one per day of the device's activity; see score.Device.
func deviceKernel(f func(score.DeviceRisk) string) fn.Kernel {
	return func(ctx *fn.Context, args []fn.Arg, n int, out kusto.Type) (arrow.Array, error) {
		daily, _ := args[0].Array.(*array.String)
		b := array.NewStringBuilder(ctx.Allocator())
		defer b.Release()
		b.Reserve(n)
		for i := 0; i < n; i++ {
			j := i
			if args[0].Const {
				j = 0
			}
			var days []score.Day
			if daily != nil && j < daily.Len() && daily.IsValid(j) {
				days = parseDaily(daily.Value(j))
			}
			r := score.Device(score.DeviceActivity{
				Days:             days,
				UnsanctionedApps: int64(num(args[1], i)),
				LowScoreApps:     int64(num(args[2], i)),
			})
			b.Append(f(r))
		}
		return b.NewArray(), nil
	}
}

// parseDaily reads [[day, upload, transactions], ...]; malformed entries are skipped.
func parseDaily(text string) []score.Day {
	var raw [][]json.RawMessage
	if json.Unmarshal([]byte(text), &raw) != nil {
		return nil
	}
	out := make([]score.Day, 0, len(raw))
	for _, e := range raw {
		if len(e) != 3 {
			continue
		}
		var ds string
		var up, tx *float64
		if json.Unmarshal(e[0], &ds) != nil || json.Unmarshal(e[1], &up) != nil || json.Unmarshal(e[2], &tx) != nil {
			continue
		}
		d, err := time.Parse(time.RFC3339Nano, ds)
		if err != nil {
			continue
		}
		day := score.Day{Day: d}
		if up != nil {
			day.Upload = *up
		}
		if tx != nil {
			day.Tx = *tx
		}
		out = append(out, day)
	}
	return out
}
