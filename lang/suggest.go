package lang

import "strings"

// suggest returns "; did you mean 'X'?" for the candidate closest to name, or
// "". A case-insensitive exact match wins; otherwise the smallest edit distance
// within a third of the name's length.
func suggest(name string, candidates []string) string {
	if best := closest(name, candidates); best != "" {
		return "; did you mean '" + best + "'?"
	}
	return ""
}

// closest returns the candidate most like name, or "".
func closest(name string, candidates []string) string {
	for _, c := range candidates {
		if strings.EqualFold(c, name) && c != name {
			return c
		}
	}
	lname := strings.ToLower(name)
	limit := 1
	switch {
	case len(name) >= 9:
		limit = 3
	case len(name) >= 3:
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if c == name {
			continue
		}
		if d := editDistance(lname, strings.ToLower(c), limit); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, giving up (returning
// limit+1) once every path exceeds limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
