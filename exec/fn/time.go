package fn

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
)

const (
	nsDay  = int64(24 * time.Hour)
	nsWeek = 7 * nsDay
)

// floorDiv rounds x down to a multiple of size (size > 0), anchored at zero.
func floorDiv(x, size int64) int64 {
	q := x / size
	if x%size != 0 && x < 0 {
		q--
	}
	return q * size
}

func kAgo(ctx *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	return dateValue(ctx.Now.UnixNano() - v[0].i)
}

func kNow(ctx *Context, v []value) value {
	ns := ctx.Now.UnixNano()
	if len(v) > 0 {
		if v[0].isNull() {
			return nullValue()
		}
		ns += v[0].i
	}
	return dateValue(ns)
}

// binKernel is bin()/floor(). Integer-like inputs (long, int, datetime,
// timespan) with a constant integer-like size run as one tight loop over the
// value buffer that reuses the input validity bitmap.
func binKernel(ctx *Context, args []Arg, n int, out kusto.Type) (arrow.Array, error) {
	x, size := args[0], args[1]
	intLike := func(t kusto.Type) bool {
		return t == kusto.Long || t == kusto.DateTime || t == kusto.TimeSpan
	}
	if intLike(x.Type) && !x.Const && size.Const && (intLike(size.Type) || size.Type == kusto.Int) && out == x.Type {
		sc, err := newCol(size)
		if err != nil {
			return nil, err
		}
		if sc.null(0) || sc.long(0) <= 0 {
			return allNull(ctx.Mem, out, n), nil
		}
		xc, err := newCol(x)
		if err != nil {
			return nil, err
		}
		return binInt64(ctx.Mem, x.Array, xc.i64[:n], sc.long(0), out), nil
	}
	return evalRows(ctx, kBin, args, n, out, true)
}

func binInt64(mem memory.Allocator, in arrow.Array, vals []int64, size int64, out kusto.Type) arrow.Array {
	if mem == nil {
		mem = memory.DefaultAllocator
	}
	n := len(vals)
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(n * 8)
	dst := arrow.Int64Traits.CastFromBytes(buf.Bytes())
	floorMultiples(vals, size, dst)
	var valid *memory.Buffer
	nulls := in.NullN()
	if nulls > 0 {
		valid = memory.NewResizableBuffer(mem)
		valid.Resize(int(bitutil.BytesForBits(int64(n))))
		bitutil.CopyBitmap(in.NullBitmapBytes(), in.Data().Offset(), n, valid.Bytes(), 0)
	}
	data := array.NewData(karrow.DataType(out), n, []*memory.Buffer{valid, buf}, nil, nulls, 0)
	defer data.Release()
	buf.Release()
	if valid != nil {
		valid.Release()
	}
	return array.MakeFromData(data)
}

// floorMultiples sets dst[i] to vals[i] rounded down to a multiple of size
// (size > 0). (A reciprocal-multiplication variant measured no faster than
// hardware division here.)
func floorMultiples(vals []int64, size int64, dst []int64) {
	dst = dst[:len(vals)]
	for i, v := range vals {
		q := v / size
		if v%size != 0 && v < 0 {
			q--
		}
		dst[i] = q * size
	}
}

func allNull(mem memory.Allocator, t kusto.Type, n int) arrow.Array {
	b := newBuilder(mem, t, n)
	for i := 0; i < n; i++ {
		b.appendNull()
	}
	return b.finish()
}

func kBin(_ *Context, v []value) value {
	x, s := v[0], v[1]
	if x.isNull() || s.isNull() {
		return nullValue()
	}
	if x.t == kusto.Real || s.t == kusto.Real {
		xf, _ := x.asReal()
		sf, _ := s.asReal()
		if sf <= 0 || isNaNOrInf(sf) {
			return nullValue()
		}
		r := math.Floor(xf/sf) * sf
		if x.t == kusto.Real {
			return realValue(r)
		}
		return value{t: x.t, i: int64(r)}
	}
	if s.i <= 0 {
		return nullValue()
	}
	t := x.t
	if t == kusto.Int {
		t = kusto.Long
	}
	return value{t: t, i: floorDiv(x.i, s.i)}
}

func kBinAt(_ *Context, v []value) value {
	x, s, at := v[0], v[1], v[2]
	if x.isNull() || s.isNull() || at.isNull() {
		return nullValue()
	}
	if x.t == kusto.Real || s.t == kusto.Real || at.t == kusto.Real {
		xf, _ := x.asReal()
		sf, _ := s.asReal()
		af, _ := at.asReal()
		if sf <= 0 {
			return nullValue()
		}
		r := math.Floor((xf-af)/sf)*sf + af
		if x.t == kusto.Real {
			return realValue(r)
		}
		return value{t: x.t, i: int64(r)}
	}
	if s.i <= 0 {
		return nullValue()
	}
	return value{t: x.t, i: floorDiv(x.i-at.i, s.i) + at.i}
}

func utc(ns int64) time.Time { return time.Unix(0, ns).UTC() }

func fromTime(t time.Time) value {
	ns, ok := kusto.UnixNanos(t)
	if !ok {
		return nullValue()
	}
	return dateValue(ns)
}

// offsetArg returns the optional period offset of startof*/endof*.
func offsetArg(v []value) (int64, bool) {
	if len(v) < 2 {
		return 0, true
	}
	if v[1].isNull() {
		return 0, false
	}
	return v[1].i, true
}

func startOf(unit string, end bool) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		if v[0].isNull() {
			return nullValue()
		}
		off, ok := offsetArg(v)
		if !ok {
			return nullValue()
		}
		t := utc(v[0].i)
		y, m, d := t.Date()
		var s time.Time
		switch unit {
		case "day":
			s = time.Date(y, m, d+int(off), 0, 0, 0, 0, time.UTC)
			if end {
				s = s.AddDate(0, 0, 1)
			}
		case "week":
			s = time.Date(y, m, d-int(t.Weekday())+7*int(off), 0, 0, 0, 0, time.UTC)
			if end {
				s = s.AddDate(0, 0, 7)
			}
		case "month":
			s = time.Date(y, m+time.Month(off), 1, 0, 0, 0, 0, time.UTC)
			if end {
				s = s.AddDate(0, 1, 0)
			}
		case "year":
			s = time.Date(y+int(off), 1, 1, 0, 0, 0, 0, time.UTC)
			if end {
				s = s.AddDate(1, 0, 0)
			}
		}
		if end {
			s = s.Add(-kusto.Tick)
		}
		return fromTime(s)
	}
}

func dateInt(f func(t time.Time) int64) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		if v[0].isNull() {
			return nullValue()
		}
		return value{t: kusto.Int, i: f(utc(v[0].i))}
	}
}

func kDayOfWeek(_ *Context, v []value) value {
	if v[0].isNull() {
		return nullValue()
	}
	return spanValue(int64(utc(v[0].i).Weekday()) * nsDay)
}

func isoWeek(t time.Time) int64 { _, w := t.ISOWeek(); return int64(w) }

func unixTo(mult float64) func(*Context, []value) value {
	return func(_ *Context, v []value) value {
		if v[0].isNull() {
			return nullValue()
		}
		if v[0].t == kusto.Int || v[0].t == kusto.Long {
			r := float64(v[0].i) * mult
			if r > math.MaxInt64 || r < math.MinInt64 {
				return nullValue()
			}
			if mult >= 1 {
				return dateValue(v[0].i * int64(mult))
			}
			return dateValue(int64(r))
		}
		f, ok := v[0].asReal()
		if !ok || isNaNOrInf(f) {
			return nullValue()
		}
		r := f * mult
		if r > math.MaxInt64 || r < math.MinInt64 {
			return nullValue()
		}
		return dateValue(int64(r))
	}
}

// normPart lower-cases a datetime part name and drops plural forms.
func normPart(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimSuffix(s, "s")
}

func addMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > last {
		d = last // .NET AddMonths clamps to the end of the month
	}
	return first.AddDate(0, 0, d-1)
}

func kDatetimeAdd(_ *Context, v []value) value {
	if v[0].isNull() || v[1].isNull() || v[2].isNull() {
		return nullValue()
	}
	amount, ok := toLongValue(v[1])
	if !ok {
		return nullValue()
	}
	t := utc(v[2].i)
	part := normPart(v[0].s)
	switch part {
	case "year":
		return fromTime(addMonths(t, int(amount)*12))
	case "quarter":
		return fromTime(addMonths(t, int(amount)*3))
	case "month":
		return fromTime(addMonths(t, int(amount)))
	}
	unit, ok := partNanos(part)
	if !ok {
		return nullValue()
	}
	return fromTime(t.Add(time.Duration(amount * unit)))
}

// partNanos returns the length in nanoseconds of the fixed-length datetime
// parts (week through nanosecond).
func partNanos(part string) (int64, bool) {
	switch part {
	case "week":
		return nsWeek, true
	case "day":
		return nsDay, true
	case "hour":
		return int64(time.Hour), true
	case "minute":
		return int64(time.Minute), true
	case "second":
		return int64(time.Second), true
	case "millisecond":
		return int64(time.Millisecond), true
	case "microsecond":
		return int64(time.Microsecond), true
	case "nanosecond":
		return 1, true
	}
	return 0, false
}

func kDatetimeDiff(_ *Context, v []value) value {
	if v[0].isNull() || v[1].isNull() || v[2].isNull() {
		return nullValue()
	}
	a, b := utc(v[1].i), utc(v[2].i)
	part := normPart(v[0].s)
	switch part {
	case "year":
		return longValue(int64(a.Year() - b.Year()))
	case "quarter":
		return longValue(int64((a.Year()*4 + (int(a.Month())-1)/3) - (b.Year()*4 + (int(b.Month())-1)/3)))
	case "month":
		return longValue(int64((a.Year()*12 + int(a.Month())) - (b.Year()*12 + int(b.Month()))))
	case "week":
		sa := floorDiv(v[1].i+4*nsDay, nsWeek) // weeks start on Sunday; 1970-01-01 was a Thursday
		sb := floorDiv(v[2].i+4*nsDay, nsWeek)
		return longValue((sa - sb) / nsWeek)
	case "nanosecond":
		return longValue(v[1].i - v[2].i)
	}
	unit, ok := partNanos(part)
	if !ok {
		return nullValue()
	}
	return longValue(floorDiv(v[1].i, unit)/unit - floorDiv(v[2].i, unit)/unit)
}

func kDatetimePart(_ *Context, v []value) value {
	if v[0].isNull() || v[1].isNull() {
		return nullValue()
	}
	t := utc(v[1].i)
	var r int
	switch normPart(v[0].s) {
	case "year":
		r = t.Year()
	case "quarter":
		r = (int(t.Month())-1)/3 + 1
	case "month":
		r = int(t.Month())
	case "week_of_year", "weekofyear", "week":
		_, r = t.ISOWeek()
	case "day":
		r = t.Day()
	case "dayofyear":
		r = t.YearDay()
	case "hour":
		r = t.Hour()
	case "minute":
		r = t.Minute()
	case "second":
		r = t.Second()
	case "millisecond":
		r = t.Nanosecond() / 1e6
	case "microsecond":
		r = t.Nanosecond() / 1e3
	case "nanosecond":
		r = t.Nanosecond()
	default:
		return nullValue()
	}
	return value{t: kusto.Int, i: int64(r)}
}

func kMakeDatetime(_ *Context, v []value) value {
	var p [7]float64
	p[1], p[2] = 1, 1
	for i, x := range v {
		if x.isNull() {
			return nullValue()
		}
		f, ok := x.asReal()
		if !ok {
			return nullValue()
		}
		p[i] = f
	}
	if p[1] < 1 || p[1] > 12 || p[2] < 1 || p[2] > 31 || p[3] > 23 || p[4] > 59 || p[5] >= 60 {
		return nullValue()
	}
	sec := math.Floor(p[5])
	t := time.Date(int(p[0]), time.Month(p[1]), int(p[2]), int(p[3]), int(p[4]), int(sec), int(math.Round((p[5]-sec)*1e9)), time.UTC)
	if t.Day() != int(p[2]) {
		return nullValue()
	}
	return fromTime(t)
}

func kMakeTimespan(_ *Context, v []value) value {
	var p []float64
	for _, x := range v {
		if x.isNull() {
			return nullValue()
		}
		f, ok := x.asReal()
		if !ok {
			return nullValue()
		}
		p = append(p, f)
	}
	var d, h, m, s float64
	switch len(p) {
	case 1:
		h = p[0]
	case 2:
		h, m = p[0], p[1]
	case 3:
		h, m, s = p[0], p[1], p[2]
	case 4:
		d, h, m, s = p[0], p[1], p[2], p[3]
	default:
		return nullValue()
	}
	ns := ((d*24+h)*3600 + m*60 + s) * 1e9
	return spanValue(int64(math.Round(ns)))
}

// formatDateTime implements format_datetime's .NET-style specifiers: yyyy yy
// MM M dd d HH H hh h mm m ss s f..fffffffff F..FFFFFFFFF tt, with
// separators . , : / - _ space and quoted literals copied.
func formatDateTime(ns int64, f string) string {
	t := utc(ns)
	return formatPattern(f, func(b *strings.Builder, c byte, n int) bool {
		switch c {
		case 'y':
			if n <= 2 {
				fmt.Fprintf(b, "%0*d", n, t.Year()%100)
			} else {
				fmt.Fprintf(b, "%0*d", n, t.Year())
			}
		case 'M':
			fmt.Fprintf(b, "%0*d", min(n, 2), int(t.Month()))
		case 'd':
			fmt.Fprintf(b, "%0*d", min(n, 2), t.Day())
		case 'H':
			fmt.Fprintf(b, "%0*d", min(n, 2), t.Hour())
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			fmt.Fprintf(b, "%0*d", min(n, 2), h)
		case 'm':
			fmt.Fprintf(b, "%0*d", min(n, 2), t.Minute())
		case 's':
			fmt.Fprintf(b, "%0*d", min(n, 2), t.Second())
		case 'f', 'F':
			writeFraction(b, int64(t.Nanosecond()), c, n)
		case 't':
			if t.Hour() < 12 {
				b.WriteString("AM"[:min(n, 2)])
			} else {
				b.WriteString("PM"[:min(n, 2)])
			}
		default:
			return false
		}
		return true
	})
}

// formatTimeSpan implements format_timespan: d..dddddddd h hh H HH m mm s ss
// f..fffffff F..FFFFFFF and literal separators.
func formatTimeSpan(ns int64, f string) string {
	neg := ns < 0
	if neg {
		ns = -ns
	}
	days := ns / nsDay
	rem := ns % nsDay
	h := rem / int64(time.Hour)
	m := rem / int64(time.Minute) % 60
	s := rem / int64(time.Second) % 60
	frac := rem % int64(time.Second)
	out := formatPattern(f, func(b *strings.Builder, c byte, n int) bool {
		switch c {
		case 'd':
			fmt.Fprintf(b, "%0*d", n, days)
		case 'h', 'H':
			fmt.Fprintf(b, "%0*d", min(n, 2), h)
		case 'm':
			fmt.Fprintf(b, "%0*d", min(n, 2), m)
		case 's':
			fmt.Fprintf(b, "%0*d", min(n, 2), s)
		case 'f', 'F':
			writeFraction(b, frac, c, n)
		default:
			return false
		}
		return true
	})
	if neg {
		return "-" + out
	}
	return out
}

// formatPattern walks a .NET-style format string: each run of one repeated
// character goes to field (c, run length), which writes it and reports true,
// or reports false to have the run copied as is; 'quoted' and "quoted" text
// and \-escaped characters are copied literally.
func formatPattern(f string, field func(b *strings.Builder, c byte, n int) bool) string {
	var b strings.Builder
	for i := 0; i < len(f); {
		c := f[i]
		j := i
		for j < len(f) && f[j] == c {
			j++
		}
		switch c {
		case '\'', '"':
			k := strings.IndexByte(f[i+1:], c)
			if k < 0 {
				b.WriteString(f[i+1:])
				return b.String()
			}
			b.WriteString(f[i+1 : i+1+k])
			j = i + 2 + k
		case '\\':
			if i+1 < len(f) {
				b.WriteByte(f[i+1])
			}
			j = i + 2
		default:
			if !field(&b, c, j-i) {
				b.WriteString(f[i:j])
			}
		}
		i = j
	}
	return b.String()
}

// writeFraction writes the first n (at most 9) digits of a sub-second
// nanosecond count; 'F' drops trailing zeros.
func writeFraction(b *strings.Builder, ns int64, c byte, n int) {
	fs := fmt.Sprintf("%09d", ns)[:min(n, 9)]
	if c == 'F' {
		fs = strings.TrimRight(fs, "0")
	}
	b.WriteString(fs)
}

func kFormatDatetime(_ *Context, v []value) value {
	if v[0].isNull() {
		return stringValue("")
	}
	return stringValue(formatDateTime(v[0].i, v[1].s))
}

func kFormatTimespan(_ *Context, v []value) value {
	if v[0].isNull() {
		return stringValue("")
	}
	return stringValue(formatTimeSpan(v[0].i, v[1].s))
}
