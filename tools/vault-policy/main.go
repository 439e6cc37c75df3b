// Command vault-policy reads ACL policy files with Vault's own policy parser, as a Vault server
// does when a policy is written to sys/policy or sys/policies/acl: the text is base64-decoded
// when it is valid base64 (Vault's handler does this), then given to
// vault.ParseACLPolicyCheckDuplicates (ParseACLPolicy plus the duplicate-key check the handler
// uses) in the root namespace. Nothing here touches the text before Vault's parser sees it.
//
//	vault-policy FILE...
//
// prints one JSON line per file: {"path", "ok", "error", "base64_decoded", "templated",
// "paths"}, the rules in the order Vault keeps them. The exit code is 1 when any file fails.
//
// Building: Vault's own package does not compile against the published sdk module as is; two
// lines unrelated to policies are adapted in a copy of the module that a replace directive in
// a generated go.mod (go build -modfile) points at, as patches.json says.
// test-terraform/readers.ts (vaultPolicyReader) does this and builds.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/hashicorp/vault/helper/namespace"
	"github.com/hashicorp/vault/vault"
)

// rule is one path rule as Vault holds it after parsing. Vault strips a leading '/' and, for a
// prefix rule, the trailing '*' (is_prefix says so); parameter names are lower-cased by Vault.
type rule struct {
	Path                  string                   `json:"path"`
	IsPrefix              bool                     `json:"is_prefix"`
	HasSegmentWildcards   bool                     `json:"has_segment_wildcards"`
	Capabilities          []string                 `json:"capabilities"`
	AllowedParameters     map[string][]interface{} `json:"allowed_parameters"`
	DeniedParameters      map[string][]interface{} `json:"denied_parameters"`
	RequiredParameters    []string                 `json:"required_parameters"`
	MinWrappingTTLSeconds float64                  `json:"min_wrapping_ttl_seconds"`
	MaxWrappingTTLSeconds float64                  `json:"max_wrapping_ttl_seconds"`
}

type result struct {
	Path          string `json:"path"`
	OK            bool   `json:"ok"`
	Error         string `json:"error"`
	Base64Decoded bool   `json:"base64_decoded"`
	Templated     bool   `json:"templated"`
	Paths         []rule `json:"paths"`
}

func read(path string) (res result) {
	res = result{Path: path, Paths: []rule{}}
	// HCL v1 panics on some input (a JSON \uD83D\uDE00 surrogate pair); a Vault server's HTTP
	// handler would fail the request. Reported as an error here.
	defer func() {
		if r := recover(); r != nil {
			res = result{Path: path, Paths: []rule{}, Error: fmt.Sprintf("panic: %v", r)}
		}
	}()
	body, err := os.ReadFile(path)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	text := string(body)
	// The sys/policy handler accepts base64 and decodes whatever decodes.
	if raw, err := base64.StdEncoding.DecodeString(text); err == nil {
		text = string(raw)
		res.Base64Decoded = true
	}
	p, _, err := vault.ParseACLPolicyCheckDuplicates(namespace.RootNamespace, text)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Templated = p.Templated
	for _, pr := range p.Paths {
		r := rule{
			Path:                pr.Path,
			IsPrefix:            pr.IsPrefix,
			HasSegmentWildcards: pr.HasSegmentWildcards,
			Capabilities:        pr.Capabilities,
		}
		if perm := pr.Permissions; perm != nil {
			r.AllowedParameters = perm.AllowedParameters
			r.DeniedParameters = perm.DeniedParameters
			r.RequiredParameters = perm.RequiredParameters
			r.MinWrappingTTLSeconds = perm.MinWrappingTTL.Seconds()
			r.MaxWrappingTTLSeconds = perm.MaxWrappingTTL.Seconds()
		}
		res.Paths = append(res.Paths, r)
	}
	res.OK = true
	return res
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: vault-policy POLICY...")
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
