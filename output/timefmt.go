package output

import (
	"strconv"
	"time"

	"github.com/prowl-hunt/prowl/kusto"
)

// appendDateTime appends ns since the Unix epoch as kusto.FormatDateTimeISO
// does, without allocating.
func appendDateTime(dst []byte, ns int64) []byte {
	t := time.Unix(0, ns).UTC()
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	frac := ns % int64(time.Second)
	if frac < 0 {
		frac += int64(time.Second)
	}
	frac /= int64(kusto.Tick)
	if frac != 0 {
		dst = append(dst, '.')
		dst = appendFrac7(dst, frac, true)
	}
	return append(dst, 'Z')
}

// appendFrac7 appends a tick count below one second as seven digits, without
// trailing zeros when trim is set.
func appendFrac7(dst []byte, ticks int64, trim bool) []byte {
	var d [7]byte
	for i := 6; i >= 0; i-- {
		d[i] = byte('0' + ticks%10)
		ticks /= 10
	}
	n := 7
	if trim {
		for n > 1 && d[n-1] == '0' {
			n--
		}
	}
	return append(dst, d[:n]...)
}

func append2(dst []byte, v uint64) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

// appendTimeSpan appends ns as kusto.FormatTimeSpan does, without allocating.
func appendTimeSpan(dst []byte, ns int64) []byte {
	u := uint64(ns)
	if ns < 0 {
		dst = append(dst, '-')
		u = uint64(-ns)
	}
	ticks := u / uint64(kusto.Tick)
	frac := ticks % 10_000_000
	secs := ticks / 10_000_000
	days := secs / 86400
	secs %= 86400
	if days > 0 {
		dst = strconv.AppendUint(dst, days, 10)
		dst = append(dst, '.')
	}
	dst = append2(dst, secs/3600)
	dst = append(dst, ':')
	dst = append2(dst, secs/60%60)
	dst = append(dst, ':')
	dst = append2(dst, secs%60)
	if frac != 0 {
		dst = append(dst, '.')
		dst = appendFrac7(dst, int64(frac), false)
	}
	return dst
}
