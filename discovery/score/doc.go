// Package score computes cloud-app risk scores and device risk levels.
//
// # App risk score (0–10, higher is safer)
//
// Every known attribute of an app scores 0–10 by the rule of its Attribute
// entry (booleans 10 when the safe answer, 0 otherwise; years, levels and
// versions by the tables below). A group score is the weighted average of the
// group's scored attributes; the total is the weighted average of the group
// scores. Weights are levels (Ignored, Low, Medium, High, Very High → 0, 1, 2, 3,
// 4 by default) from Settings. Unknown attributes are skipped, or count as 0
// when Settings.Unknown is "zero". A group with nothing scored is left out of
// the total. An app with no known attribute at all is unscored (nil). A per-app
// override (catalog App.Score) replaces the computed value and carries its note.
//
//	founded            years since founding ≥ 10 → 10, ≥ 5 → 7, ≥ 2 → 4, else 2
//	domain_age         same as founded, from the registration year
//	holding            "public" → 10, "private" → 5
//	popularity         a number 0–10, used as is
//	tls_version        "1.3" → 10, "1.2" → 8, "1.1" → 2, older → 0
//	latest_breach      "none" → 10; a year: ≥ 5 years ago → 8, ≥ 3 → 6, ≥ 1 → 3, else 0
//	fedramp            "high" → 10, "moderate" → 7, "low" → 4, "li-saas" → 3, "none" → 0
//	csa_star           level 3 → 10, 2 → 7, 1 → 4, 0 → 0
//	file_sharing, upload   true → 5 (the app can carry data out), false → 10
//	other booleans     true → 10, false → 0
package score
