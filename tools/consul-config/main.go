// Command consul-config reads Consul agent configuration files the way Consul's agent/config
// package reads a file source (FileSource.Parse in Consul v1.22.0), up to the generic map that
// Consul then decodes into its typed Config:
//
//   - the format comes from the file name: ".json" is read with encoding/json, ".hcl" with
//     hcl.Decode from github.com/hashicorp/hcl at the version Consul pins (v1.0.1-vault-7);
//     any other name is refused, as Consul refuses it without -config-format;
//   - HCL v1 gives every block or object as a list of maps ([]map[string]interface{}), which
//     Consul's decode hook (lib/decode.HookWeakDecodeFromSlice) unwraps to a single map when
//     the list holds exactly one map and the target field is not a list. Lacking the typed
//     struct, unwrap below does the same everywhere except under the keys that Consul's Config
//     declares as lists (sliceKeys).
//
// It does not check key names or types against Consul's Config, and applies no defaults.
//
//	consul-config FILE...
//
// prints one JSON line per file: {"path", "ok", "error", "format", "config"}. The exit code is
// 1 when any file fails.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl"
)

// sliceKeys are the keys whose fields in Consul's Config (v1.22.0, agent/config/config.go) are
// lists of structures or maps; the hook leaves lists under these keys as lists.
var sliceKeys = map[string]bool{
	"services": true, "checks": true, "segments": true, "watches": true, "bootstrap": true,
	"upstreams": true, "paths": true, "managed_service_provider": true, "add_headers": true,
}

// unwrap replaces each one-element []map[string]interface{} by its map, recursively, except
// under sliceKeys. Only that Go type is touched, as in Consul's hook: encoding/json never
// produces it, so a JSON document comes back unchanged.
func unwrap(key string, v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			x[k] = unwrap(k, e)
		}
		return x
	case []map[string]interface{}:
		if len(x) == 1 && !sliceKeys[key] {
			return unwrap(key, x[0])
		}
		for i, e := range x {
			x[i] = unwrap(key, e).(map[string]interface{})
		}
		return x
	case []interface{}:
		for i, e := range x {
			x[i] = unwrap(key, e)
		}
		return x
	default:
		return v
	}
}

type result struct {
	Path   string                 `json:"path"`
	OK     bool                   `json:"ok"`
	Error  string                 `json:"error"`
	Format string                 `json:"format"`
	Config map[string]interface{} `json:"config"`
}

func read(path string) (res result) {
	res = result{Path: path}
	// HCL v1 panics on some input (a JSON \uD83D\uDE00 surrogate pair); Consul would stop.
	defer func() {
		if r := recover(); r != nil {
			res = result{Path: path, Format: res.Format, Error: fmt.Sprintf("panic: %v", r)}
		}
	}()
	switch {
	case strings.HasSuffix(path, ".json"):
		res.Format = "json"
	case strings.HasSuffix(path, ".hcl"):
		res.Format = "hcl"
	default:
		res.Error = "unknown extension; must be .hcl or .json"
		return res
	}
	body, err := os.ReadFile(path)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if len(body) == 0 {
		res.Error = "config source contained no data"
		return res
	}
	var raw map[string]interface{}
	if res.Format == "json" {
		err = json.Unmarshal(body, &raw)
	} else {
		err = hcl.Decode(&raw, string(body))
	}
	if err == nil && raw == nil {
		err = errors.New("not an object")
	}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Config = unwrap("", raw).(map[string]interface{})
	res.OK = true
	return res
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: consul-config FILE.hcl|FILE.json...")
		os.Exit(2)
	}
	failed := false
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for _, path := range os.Args[1:] {
		res := read(path)
		failed = failed || !res.OK
		if err := out.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if failed {
		os.Exit(1)
	}
}
