package repl

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/prowl-hunt/prowl/kusto"
	"github.com/prowl-hunt/prowl/kusto/karrow"
	"github.com/prowl-hunt/prowl/output"
)

// Chart kinds drawn as text.
const (
	TimeChart   = "timechart"
	ColumnChart = "columnchart"
	BarChart    = "barchart"
	PieChart    = "piechart"
)

// CanChart reports whether kind is a chart DrawChart draws (line and area
// charts are drawn as time charts).
func CanChart(kind string) bool {
	switch kind {
	case TimeChart, ColumnChart, BarChart, PieChart, "linechart", "areachart", "stackedareachart":
		return true
	}
	return false
}

// maxCategories is the most bars a category chart draws; the rest are counted.
const maxCategories = 50

// maxBins is the most time bins drawn as one bar each; longer series become
// a sparkline.
const maxBins = 40

// series is one line of a chart: a value per point (NaN when null).
type series struct {
	name string
	ys   []float64
}

// chartData is a result arranged for drawing: the x of every point (labels,
// and for time charts the instants) and the y series.
type chartData struct {
	labels []string
	times  []int64 // ns since the epoch, time charts only
	series []series
}

// DrawChart draws a result as a text chart of at most width columns: kind is
// the `render` chart (timechart, columnchart, barchart, piechart) and props
// its properties (title, xcolumn, ycolumns, series). Category charts draw a
// labelled bar per row; a time chart draws a bar per time bin, or a
// sparkline when there are many bins, per series.
func DrawChart(w io.Writer, kind string, props map[string]string, cols kusto.Schema, batches []arrow.RecordBatch, width int) error {
	if width <= 0 {
		width = 100
	}
	width = max(width, 40)
	timeChart := kind == TimeChart || kind == "linechart" || kind == "areachart" || kind == "stackedareachart"
	d, err := arrange(cols, batches, props, timeChart)
	if err != nil {
		return err
	}
	if t := props["title"]; t != "" {
		fmt.Fprintln(w, t)
	}
	if len(d.labels) == 0 {
		fmt.Fprintln(w, "(nothing to chart)")
		return nil
	}
	for i, s := range d.series {
		if len(d.series) > 1 {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s\n", s.name)
		}
		switch {
		case timeChart && len(d.labels) > maxBins:
			sparkline(w, d, s, width)
		case kind == PieChart:
			bars(w, d.labels, s.ys, width, true)
		default:
			bars(w, d.labels, s.ys, width, false)
		}
	}
	return nil
}

// arrange picks the x, y and series columns and reads the rows.
func arrange(cols kusto.Schema, batches []arrow.RecordBatch, props map[string]string, timeChart bool) (*chartData, error) {
	find := func(name string) int {
		for i, c := range cols {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	x := -1
	if n := props["xcolumn"]; n != "" {
		if x = find(n); x < 0 {
			return nil, fmt.Errorf("render: no column %q for xcolumn", n)
		}
	}
	if x < 0 && timeChart {
		for i, c := range cols {
			if c.Type == kusto.DateTime {
				x = i
				break
			}
		}
		if x < 0 {
			return nil, fmt.Errorf("render timechart: the result has no datetime column")
		}
	}
	if x < 0 {
		for i, c := range cols {
			if !chartNumeric(c.Type) {
				x = i
				break
			}
		}
	}
	rowLabels := false // a single numeric column: its rows are numbered
	if x < 0 {
		x = 0
		rowLabels = len(cols) == 1 && !timeChart
	}
	var ys []int
	if list := props["ycolumns"]; list != "" {
		for _, n := range strings.Split(list, ",") {
			i := find(strings.TrimSpace(n))
			if i < 0 {
				return nil, fmt.Errorf("render: no column %q for ycolumns", strings.TrimSpace(n))
			}
			ys = append(ys, i)
		}
	} else {
		for i, c := range cols {
			if (i != x || rowLabels) && chartNumeric(c.Type) {
				ys = append(ys, i)
			}
		}
	}
	if len(ys) == 0 {
		return nil, fmt.Errorf("render: the result has no numeric column to chart")
	}
	split := -1 // the column whose values name the series
	if n := props["series"]; n != "" {
		if split = find(n); split < 0 {
			return nil, fmt.Errorf("render: no column %q for series", n)
		}
	} else if len(ys) == 1 {
		for i, c := range cols {
			if i != x && i != ys[0] && (c.Type == kusto.String || c.Type == kusto.Guid || c.Type == kusto.Bool) {
				split = i
				break
			}
		}
	}

	// read the rows: x text (and instant), the series key, the y values
	var xs []string
	var ts []int64
	var keys []string
	vals := make([][]float64, len(ys))
	var buf []byte
	for _, rec := range batches {
		n := int(rec.NumRows())
		if rowLabels {
			for r := 0; r < n; r++ {
				xs = append(xs, strconv.Itoa(len(xs)+1))
			}
		} else {
			xv := output.NewValues(rec.Column(x), cols[x].Type)
			for r := 0; r < n; r++ {
				buf = xv.AppendText(buf[:0], r)
				xs = append(xs, string(buf))
			}
		}
		if timeChart {
			for r := 0; r < n; r++ {
				ts = append(ts, instant(rec.Column(x), r))
			}
		}
		if split >= 0 {
			sv := output.NewValues(rec.Column(split), cols[split].Type)
			for r := 0; r < n; r++ {
				buf = sv.AppendText(buf[:0], r)
				keys = append(keys, string(buf))
			}
		}
		for k, y := range ys {
			vals[k] = appendNumbers(vals[k], rec.Column(y))
		}
	}
	d := &chartData{}
	if split < 0 {
		// one point per row, a series per y column
		order := identity(len(xs))
		if timeChart {
			sort.SliceStable(order, func(a, b int) bool { return ts[order[a]] < ts[order[b]] })
		}
		for _, r := range order {
			d.labels = append(d.labels, xs[r])
			if timeChart {
				d.times = append(d.times, ts[r])
			}
		}
		for k, y := range ys {
			s := series{name: cols[y].Name, ys: make([]float64, len(order))}
			for i, r := range order {
				s.ys[i] = vals[k][r]
			}
			d.series = append(d.series, s)
		}
		if timeChart {
			d.labels = timeLabels(d.times)
		}
		return d, nil
	}
	// pivot: one point per distinct x, a series per distinct key
	pointOf := map[string]int{}
	var pointTimes []int64
	for r, xt := range xs {
		if _, ok := pointOf[xt]; !ok {
			pointOf[xt] = len(d.labels)
			d.labels = append(d.labels, xt)
			if timeChart {
				pointTimes = append(pointTimes, ts[r])
			}
		}
	}
	seriesOf := map[string]int{}
	for r, key := range keys {
		si, ok := seriesOf[key]
		if !ok {
			si = len(d.series)
			seriesOf[key] = si
			s := series{name: key, ys: make([]float64, len(d.labels))}
			for i := range s.ys {
				s.ys[i] = math.NaN()
			}
			d.series = append(d.series, s)
		}
		p := pointOf[xs[r]]
		if v := vals[0][r]; !math.IsNaN(v) {
			if math.IsNaN(d.series[si].ys[p]) {
				d.series[si].ys[p] = 0
			}
			d.series[si].ys[p] += v
		}
	}
	if timeChart {
		order := identity(len(d.labels))
		sort.SliceStable(order, func(a, b int) bool { return pointTimes[order[a]] < pointTimes[order[b]] })
		d.times = make([]int64, len(order))
		for i, p := range order {
			d.times[i] = pointTimes[p]
		}
		for si := range d.series {
			ys := make([]float64, len(order))
			for i, p := range order {
				ys[i] = d.series[si].ys[p]
			}
			d.series[si].ys = ys
		}
		d.labels = timeLabels(d.times)
	}
	return d, nil
}

func identity(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func chartNumeric(t kusto.Type) bool {
	return t == kusto.Int || t == kusto.Long || t == kusto.Real || t == kusto.Decimal || t == kusto.TimeSpan
}

// appendNumbers appends the column's values as float64 (NaN for null);
// timespans count in seconds.
func appendNumbers(dst []float64, col arrow.Array) []float64 {
	n := col.Len()
	switch a := col.(type) {
	case *array.Int32:
		for i := 0; i < n; i++ {
			dst = append(dst, nullOr(a.IsNull(i), float64(a.Value(i))))
		}
	case *array.Int64:
		for i := 0; i < n; i++ {
			dst = append(dst, nullOr(a.IsNull(i), float64(a.Value(i))))
		}
	case *array.Float64:
		for i := 0; i < n; i++ {
			dst = append(dst, nullOr(a.IsNull(i), a.Value(i)))
		}
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		for i := 0; i < n; i++ {
			dst = append(dst, nullOr(a.IsNull(i), a.Value(i).ToFloat64(scale)))
		}
	case *array.Duration:
		mul := float64(karrow.UnitNanos(a.DataType().(*arrow.DurationType).Unit)) / 1e9
		for i := 0; i < n; i++ {
			dst = append(dst, nullOr(a.IsNull(i), float64(a.Value(i))*mul))
		}
	default:
		for i := 0; i < n; i++ {
			dst = append(dst, math.NaN())
		}
	}
	return dst
}

func nullOr(null bool, v float64) float64 {
	if null {
		return math.NaN()
	}
	return v
}

// instant reads row i of a timestamp column as ns since the epoch.
func instant(col arrow.Array, i int) int64 {
	if a, ok := col.(*array.Timestamp); ok && !a.IsNull(i) {
		return int64(a.Value(i)) * karrow.UnitNanos(a.DataType().(*arrow.TimestampType).Unit)
	}
	return math.MinInt64
}

// timeLabels formats instants as short UTC labels: dates when every instant
// is a midnight, minutes otherwise, seconds when needed.
func timeLabels(ts []int64) []string {
	layout := "2006-01-02"
	for _, t := range ts {
		if t == math.MinInt64 {
			continue
		}
		switch {
		case t%int64(time.Minute) != 0:
			layout = "2006-01-02 15:04:05"
		case t%int64(24*time.Hour) != 0 && layout == "2006-01-02":
			layout = "2006-01-02 15:04"
		}
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		if t == math.MinInt64 {
			out[i] = "(null)"
			continue
		}
		out[i] = time.Unix(0, t).UTC().Format(layout)
	}
	return out
}

// formatNumber prints a chart value: integers whole, others to 4 significant
// digits, nulls as "-".
func formatNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "-"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// eighths are the partial blocks, from one eighth to a full cell.
var eighths = []rune("▏▎▍▌▋▊▉█")

// bar draws a bar of length cells (fractional, in eighths).
func bar(cells float64) string {
	if cells <= 0 || math.IsNaN(cells) {
		return ""
	}
	full := int(cells)
	frac := int(math.Round((cells - float64(full)) * 8))
	if frac == 8 {
		full, frac = full+1, 0
	}
	s := strings.Repeat("█", full)
	if frac > 0 {
		s += string(eighths[frac-1])
	}
	return s
}

// cut shortens s to n runes with an ellipsis.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func pad(s string, n int) string {
	if k := utf8.RuneCountInString(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

// bars draws a labelled horizontal bar per point, scaled to the largest
// value; pie charts add each value's share of the total.
func bars(w io.Writer, labels []string, ys []float64, width int, pie bool) {
	n := min(len(labels), maxCategories)
	labelW := 0
	for _, l := range labels[:n] {
		labelW = max(labelW, utf8.RuneCountInString(l))
	}
	labelW = min(labelW, 30)
	var top, total float64
	valueW := 0
	for _, v := range ys {
		if !math.IsNaN(v) {
			top = max(top, v)
			if v > 0 {
				total += v
			}
		}
	}
	texts := make([]string, n)
	for i := 0; i < n; i++ {
		texts[i] = formatNumber(ys[i])
		if pie {
			share := 0.0
			if total > 0 && !math.IsNaN(ys[i]) && ys[i] > 0 {
				share = ys[i] / total * 100
			}
			texts[i] = fmt.Sprintf("%5.1f%%  %s", share, texts[i])
		}
		valueW = max(valueW, utf8.RuneCountInString(texts[i]))
	}
	barW := max(width-labelW-valueW-4, 5)
	var b strings.Builder
	for i := 0; i < n; i++ {
		cells := 0.0
		if top > 0 && !math.IsNaN(ys[i]) {
			cells = ys[i] / top * float64(barW)
		}
		b.Reset()
		b.WriteString(pad(cut(labels[i], labelW), labelW))
		b.WriteString("  ")
		b.WriteString(pad(bar(cells), barW))
		b.WriteString("  ")
		b.WriteString(texts[i])
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	if rest := len(labels) - n; rest > 0 {
		fmt.Fprintf(w, "… %d more not drawn\n", rest)
	}
}

// sparks are the eight heights of a sparkline cell.
var sparks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws a long time series on one line: each cell is the largest
// value of the bins it covers, with the range and the first and last time.
func sparkline(w io.Writer, d *chartData, s series, width int) {
	cells := min(len(s.ys), width)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range s.ys {
		if !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	var b strings.Builder
	for c := 0; c < cells; c++ {
		from, to := c*len(s.ys)/cells, (c+1)*len(s.ys)/cells
		v := math.NaN()
		for _, y := range s.ys[from:to] {
			if !math.IsNaN(y) && (math.IsNaN(v) || y > v) {
				v = y
			}
		}
		switch {
		case math.IsNaN(v):
			b.WriteByte(' ')
		case hi == lo:
			b.WriteRune(sparks[len(sparks)/2])
		default:
			b.WriteRune(sparks[int((v-lo)/(hi-lo)*float64(len(sparks)-1)+0.5)])
		}
	}
	fmt.Fprintln(w, b.String())
	first, last := d.labels[0], d.labels[len(d.labels)-1]
	gap := max(cells-utf8.RuneCountInString(first)-utf8.RuneCountInString(last), 1)
	fmt.Fprintf(w, "%s%s%s\n", first, strings.Repeat(" ", gap), last)
	if math.IsInf(lo, 1) {
		fmt.Fprintf(w, "%d bins, all null\n", len(s.ys))
		return
	}
	fmt.Fprintf(w, "%d bins, min %s, max %s\n", len(s.ys), formatNumber(lo), formatNumber(hi))
}
