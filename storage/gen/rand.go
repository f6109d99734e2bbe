package gen

import (
	"math"
	"math/rand/v2"
)

// mix64 is the splitmix64 finalizer: a cheap, well-distributed hash of a word.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash combines words into one deterministic 64-bit value.
func hash(words ...uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, w := range words {
		h = mix64(h ^ (w + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2)))
	}
	return h
}

// hashString hashes a string (FNV-1a, then mixed).
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return mix64(h)
}

// newRNG returns a PCG generator seeded from the words.
func newRNG(words ...uint64) *rand.Rand {
	h := hash(words...)
	return rand.New(rand.NewPCG(h, mix64(h^0x5851f42d4c957f2d)))
}

// alias is Vose's alias table: O(1) sampling from a discrete distribution.
type alias struct {
	prob  []float64
	alias []int32
}

// newAlias builds a sampler over len(w) outcomes with weights w (not all zero).
func newAlias(w []float64) *alias {
	n := len(w)
	a := &alias{prob: make([]float64, n), alias: make([]int32, n)}
	var sum float64
	for _, x := range w {
		sum += x
	}
	if n == 0 {
		return a
	}
	if sum <= 0 {
		for i := range a.prob {
			a.prob[i] = 1
			a.alias[i] = int32(i)
		}
		return a
	}
	scaled := make([]float64, n)
	small := make([]int32, 0, n)
	large := make([]int32, 0, n)
	for i, x := range w {
		scaled[i] = x * float64(n) / sum
		if scaled[i] < 1 {
			small = append(small, int32(i))
		} else {
			large = append(large, int32(i))
		}
	}
	for len(small) > 0 && len(large) > 0 {
		s := small[len(small)-1]
		small = small[:len(small)-1]
		l := large[len(large)-1]
		a.prob[s] = scaled[s]
		a.alias[s] = l
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	for _, i := range large {
		a.prob[i] = 1
		a.alias[i] = i
	}
	for _, i := range small {
		a.prob[i] = 1
		a.alias[i] = i
	}
	return a
}

// sample draws one outcome.
func (a *alias) sample(r *rand.Rand) int {
	u := r.Float64() * float64(len(a.prob))
	i := int(u)
	if i >= len(a.prob) {
		i = len(a.prob) - 1
	}
	if u-float64(i) < a.prob[i] {
		return i
	}
	return int(a.alias[i])
}

// logNormal draws exp(N(mu, sigma)).
func logNormal(r *rand.Rand, mu, sigma float64) float64 {
	return math.Exp(mu + sigma*r.NormFloat64())
}

// pareto draws from a Pareto distribution with scale xm and shape alpha.
func pareto(r *rand.Rand, xm, alpha float64) float64 {
	u := 1 - r.Float64() // (0,1]
	return xm / math.Pow(u, 1/alpha)
}

// zipfWeights returns weights 1/(rank+1)^s for n ranks.
func zipfWeights(n int, s float64) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), s)
	}
	return w
}
