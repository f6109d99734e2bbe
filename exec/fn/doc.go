// Package fn holds the scalar function kernels of KQL and the registry that maps
// function names to their signatures and kernels.
//
// A Registry starts with every built-in function of package lang/builtin and a
// kernel for each built-in scalar function; extensions add theirs with Register.
// The engine calls a kernel once per batch (Registry.Call or Registry.Kernel).
//
// Kernels follow Kusto's rules: strings are never null (a null string reads as
// "" and string results are never null), bad input gives null rather than an
// error (toint("3.14") is null), and an error is kept for what invalidates the
// whole query. Constant arguments (Arg.Const, length 1) are evaluated once when
// every argument is constant. The hot functions (bin/floor over long,
// datetime and timespan with a constant size; tolower, toupper, strlen,
// tostring of strings, integers, datetimes and bools; isempty/isnotempty/
// isnull/isnotnull; hash_md5, hash_sha256) run as
// typed loops over the Arrow buffers; the rest go through a general row path.
//
// Dynamic values travel as JSON text in String arrays; package dyn parses and
// encodes them.
package fn
