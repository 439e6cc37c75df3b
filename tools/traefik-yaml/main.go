// Command traefik-yaml reads YAML files the way Traefik v3.7.13's file loader does before it
// maps them onto its configuration: github.com/traefik/paerser v0.2.2 (file.decodeFileToNode)
// unmarshals the content with gopkg.in/yaml.v3 v3.0.1 into a map[string]interface{}. This reads
// each file the same way and prints the map as JSON.
//
//	traefik-yaml FILE...
//
// prints one JSON line per file: {"path", "ok", "error", "config"}. The exit code is 1 when any
// file fails.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

type verdict struct {
	Path   string                 `json:"path"`
	OK     bool                   `json:"ok"`
	Error  string                 `json:"error"`
	Config map[string]interface{} `json:"config"`
}

func read(path string) verdict {
	content, err := os.ReadFile(path)
	if err != nil {
		return verdict{Path: path, Error: err.Error()}
	}
	data := make(map[string]interface{})
	if err := yaml.Unmarshal(content, data); err != nil {
		return verdict{Path: path, Error: err.Error()}
	}
	return verdict{Path: path, OK: true, Config: data}
}

func main() {
	failed := false
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	for _, path := range os.Args[1:] {
		v := read(path)
		failed = failed || !v.OK
		if err := out.Encode(v); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if failed {
		os.Exit(1)
	}
}
