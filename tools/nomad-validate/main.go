// Command nomad-validate checks jobspecs the way `nomad job validate` does when no agent is
// reachable: Nomad's HCL2 parser in strict mode, then conversion to the server's structs,
// Canonicalize and Validate. It reads each file named on the command line and prints one JSON
// line per file: {"path", "ok", "errors", "warnings"}. The exit code is 1 when any file fails.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	multierror "github.com/hashicorp/go-multierror"
	"github.com/hashicorp/nomad/command/agent"
	"github.com/hashicorp/nomad/helper"
	"github.com/hashicorp/nomad/jobspec2"
)

type result struct {
	Path     string   `json:"path"`
	OK       bool     `json:"ok"`
	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
}

func check(path string) result {
	res := result{Path: path, Errors: []string{}, Warnings: []string{}}
	body, err := os.ReadFile(path)
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
		return res
	}
	apiJob, err := jobspec2.ParseWithConfig(&jobspec2.ParseConfig{
		Path:    path,
		Body:    body,
		AllowFS: false,
		Strict:  true,
	})
	if err != nil {
		res.Errors = append(res.Errors, "parse: "+err.Error())
		return res
	}
	job := agent.ApiJobToStructJob(apiJob)
	job.Canonicalize()
	if vErr := job.Validate(); vErr != nil {
		var merr *multierror.Error
		if errors.As(vErr, &merr) {
			for _, e := range merr.Errors {
				res.Errors = append(res.Errors, e.Error())
			}
		} else {
			res.Errors = append(res.Errors, vErr.Error())
		}
	}
	if w := helper.MergeMultierrorWarnings(job.Warnings()); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	res.OK = len(res.Errors) == 0
	return res
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nomad-validate JOBSPEC...")
		os.Exit(2)
	}
	failed := false
	out := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		res := check(path)
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
