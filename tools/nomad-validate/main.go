// Command nomad-validate reads files the way Nomad itself reads them. It has two modes.
//
//	nomad-validate JOBSPEC...
//
// checks jobspecs the way `nomad job validate` does when no agent is reachable: Nomad's HCL2
// parser in strict mode, then conversion to the server's structs, Canonicalize and Validate.
// It prints one JSON line per file: {"path", "ok", "errors", "warnings"}.
//
//	nomad-validate -agent-config FILE...
//
// reads agent configuration files the way `nomad agent -config FILE` and
// `nomad config validate FILE` do (see agentConfig below) and prints one JSON line per file:
// {"path", "ok", "parsed", "errors", "warnings", "config"}.
//
// In both modes the exit code is 1 when any file fails.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	multierror "github.com/hashicorp/go-multierror"
	"github.com/hashicorp/nomad/command/agent"
	"github.com/hashicorp/nomad/helper"
	"github.com/hashicorp/nomad/jobspec2"
	"github.com/hashicorp/nomad/nomad/structs/config"
)

type result struct {
	Path     string   `json:"path"`
	OK       bool     `json:"ok"`
	Errors   []string `json:"errors"`
	Warnings []string `json:"warnings"`
	// Job is the job as Nomad's parser read it (before conversion and defaults), so tests can
	// compare every string with what went in.
	Job any `json:"job,omitempty"`
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
	res.Job = apiJob
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
	args := os.Args[1:]
	agentMode := len(args) > 0 && args[0] == "-agent-config"
	if agentMode {
		args = args[1:]
	}
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "usage: nomad-validate JOBSPEC...\n       nomad-validate -agent-config FILE...")
		os.Exit(2)
	}
	failed := false
	out := json.NewEncoder(os.Stdout)
	// Keep text as it is: no \u003c for '<' and the like, so the output reads as what Nomad holds.
	out.SetEscapeHTML(false)
	for _, path := range args {
		var res any
		if agentMode {
			r := agentConfig(path)
			failed = failed || !r.OK
			res = r
		} else {
			r := check(path)
			failed = failed || !r.OK
			res = r
		}
		if err := out.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if failed {
		os.Exit(1)
	}
}

// ---- agent configuration mode ----

// agentResult is what Nomad made of one agent configuration file.
type agentResult struct {
	Path string `json:"path"`
	// OK: the file loaded and `nomad config validate` would call the configuration valid.
	OK bool `json:"ok"`
	// Parsed: the file loaded (HCL v1 decoding and Nomad's own checks of keys and durations),
	// whether or not the whole configuration is valid. A fragment (say, only a vault block) is
	// parsed but not valid, as no server or client is enabled.
	Parsed   bool       `json:"parsed"`
	Errors   []string   `json:"errors"`
	Warnings []string   `json:"warnings"`
	Config   *agentView `json:"config"`
}

// agentConfig follows `nomad config validate FILE`: agent.LoadConfig (which calls
// agent.ParseConfigFile, the parser `nomad agent -config FILE` uses), the defaults merged under
// the file, then Command.IsValidConfig. The config reported is the file's own, as loaded and
// before defaults, so a block the file lost does not reappear as a default.
func agentConfig(path string) (res agentResult) {
	res = agentResult{Path: path, Errors: []string{}, Warnings: []string{}}
	// HCL v1 panics on some input (a JSON \uD83D\uDE00 surrogate pair); the agent would stop.
	defer func() {
		if r := recover(); r != nil {
			res = agentResult{Path: path, Errors: []string{fmt.Sprintf("panic: %v", r)}, Warnings: []string{}}
		}
	}()
	fc, err := agent.LoadConfig(path)
	if err != nil {
		res.Errors = append(res.Errors, "load: "+err.Error())
		return res
	}
	res.Parsed = true
	res.Config = viewOf(fc)

	ui := &collectUi{}
	merged := agent.DefaultConfig().Merge(fc)
	cmd := agent.Command{Ui: ui}
	valid := cmd.IsValidConfig(merged, agent.DefaultConfig())
	// IsValidConfig reports some non-fatal findings through Ui.Error too (the mTLS notice is
	// prefixed "WARNING:"); those count as warnings here. Other Ui.Error lines are errors even
	// when Nomad goes on (an invalid Vault or Consul cluster name), so a caller sees them.
	for _, m := range ui.errors {
		if strings.HasPrefix(m, "WARNING:") {
			res.Warnings = append(res.Warnings, m)
		} else {
			res.Errors = append(res.Errors, m)
		}
	}
	res.Warnings = append(res.Warnings, ui.warnings...)
	res.OK = valid && len(res.Errors) == 0
	return res
}

// collectUi is a cli.Ui that keeps what the agent command would print.
type collectUi struct{ errors, warnings []string }

func (u *collectUi) Ask(string) (string, error)       { return "", errors.New("no input") }
func (u *collectUi) AskSecret(string) (string, error) { return "", errors.New("no input") }
func (u *collectUi) Output(string)                    {}
func (u *collectUi) Info(string)                      {}
func (u *collectUi) Error(m string)                   { u.errors = append(u.errors, m) }
func (u *collectUi) Warn(m string)                    { u.warnings = append(u.warnings, m) }

// agentView is the part of agent.Config the tests read, under the configuration's own key names.
// Strings are copied as the agent holds them after parsing (addresses after Nomad's
// normalization, nothing else changed).
type agentView struct {
	Datacenter string       `json:"datacenter"`
	Region     string       `json:"region"`
	DataDir    string       `json:"data_dir"`
	BindAddr   string       `json:"bind_addr"`
	Server     serverView   `json:"server"`
	Client     clientView   `json:"client"`
	ACL        aclView      `json:"acl"`
	TLS        *tlsView     `json:"tls"`
	Vaults     []vaultView  `json:"vaults"`
	Consuls    []consulView `json:"consuls"`
}

type serverView struct {
	Enabled         bool `json:"enabled"`
	BootstrapExpect int  `json:"bootstrap_expect"`
}

type clientView struct {
	Enabled          bool              `json:"enabled"`
	Servers          []string          `json:"servers"`
	NetworkInterface string            `json:"network_interface"`
	NodePool         string            `json:"node_pool"`
	HostVolumes      []hostVolumeView  `json:"host_volumes"`
	Meta             map[string]string `json:"meta"`
}

type hostVolumeView struct {
	Name     string `json:"name"`
	Path     string `json:"path"`
	ReadOnly bool   `json:"read_only"`
}

type aclView struct {
	Enabled bool `json:"enabled"`
}

type tlsView struct {
	HTTP                 bool   `json:"http"`
	RPC                  bool   `json:"rpc"`
	CAFile               string `json:"ca_file"`
	CertFile             string `json:"cert_file"`
	KeyFile              string `json:"key_file"`
	VerifyServerHostname bool   `json:"verify_server_hostname"`
	VerifyHTTPSClient    bool   `json:"verify_https_client"`
}

// identityView is a workload identity block: ttl as written, ttl_seconds as parsed.
type identityView struct {
	Aud        []string `json:"aud"`
	TTL        string   `json:"ttl"`
	TTLSeconds *float64 `json:"ttl_seconds"`
}

type vaultView struct {
	Name               string        `json:"name"`
	Enabled            *bool         `json:"enabled"`
	Address            string        `json:"address"`
	Token              string        `json:"token"`
	CreateFromRole     string        `json:"create_from_role"`
	JWTAuthBackendPath string        `json:"jwt_auth_backend_path"`
	Namespace          string        `json:"namespace"`
	CAFile             string        `json:"ca_file"`
	DefaultIdentity    *identityView `json:"default_identity"`
}

type consulView struct {
	Name              string        `json:"name"`
	Address           string        `json:"address"`
	GRPCAddress       string        `json:"grpc_address"`
	Token             string        `json:"token"`
	SSL               *bool         `json:"ssl"`
	CAFile            string        `json:"ca_file"`
	GRPCCAFile        string        `json:"grpc_ca_file"`
	ClientServiceName string        `json:"client_service_name"`
	ServerServiceName string        `json:"server_service_name"`
	AutoAdvertise     *bool         `json:"auto_advertise"`
	ClientAutoJoin    *bool         `json:"client_auto_join"`
	ServerAutoJoin    *bool         `json:"server_auto_join"`
	ServiceAuthMethod string        `json:"service_auth_method"`
	TaskAuthMethod    string        `json:"task_auth_method"`
	ServiceIdentity   *identityView `json:"service_identity"`
	TaskIdentity      *identityView `json:"task_identity"`
}

func identityOf(w *config.WorkloadIdentityConfig) *identityView {
	if w == nil {
		return nil
	}
	v := &identityView{Aud: w.Audience, TTL: w.TTLHCL}
	if w.TTL != nil {
		s := w.TTL.Seconds()
		v.TTLSeconds = &s
	}
	return v
}

// viewOf copies the fields of agentView out of a parsed configuration. ParseConfigFile always
// allocates Client, Server and ACL, so only TLS may be absent.
func viewOf(c *agent.Config) *agentView {
	v := &agentView{
		Datacenter: c.Datacenter,
		Region:     c.Region,
		DataDir:    c.DataDir,
		BindAddr:   c.BindAddr,
		Vaults:     []vaultView{},
		Consuls:    []consulView{},
	}
	if s := c.Server; s != nil {
		v.Server = serverView{Enabled: s.Enabled, BootstrapExpect: s.BootstrapExpect}
	}
	if cl := c.Client; cl != nil {
		v.Client = clientView{
			Enabled:          cl.Enabled,
			Servers:          cl.Servers,
			NetworkInterface: cl.NetworkInterface,
			NodePool:         cl.NodePool,
			HostVolumes:      []hostVolumeView{},
			Meta:             cl.Meta,
		}
		for _, hv := range cl.HostVolumes {
			v.Client.HostVolumes = append(v.Client.HostVolumes,
				hostVolumeView{Name: hv.Name, Path: hv.Path, ReadOnly: hv.ReadOnly})
		}
	}
	if c.ACL != nil {
		v.ACL.Enabled = c.ACL.Enabled
	}
	if t := c.TLSConfig; t != nil {
		v.TLS = &tlsView{
			HTTP: t.EnableHTTP, RPC: t.EnableRPC,
			CAFile: t.CAFile, CertFile: t.CertFile, KeyFile: t.KeyFile,
			VerifyServerHostname: t.VerifyServerHostname, VerifyHTTPSClient: t.VerifyHTTPSClient,
		}
	}
	for _, vc := range c.Vaults {
		v.Vaults = append(v.Vaults, vaultView{
			Name: vc.Name, Enabled: vc.Enabled, Address: vc.Addr, Token: vc.Token,
			CreateFromRole: vc.Role, JWTAuthBackendPath: vc.JWTAuthBackendPath,
			Namespace: vc.Namespace, CAFile: vc.TLSCaFile,
			DefaultIdentity: identityOf(vc.DefaultIdentity),
		})
	}
	for _, cc := range c.Consuls {
		v.Consuls = append(v.Consuls, consulView{
			Name: cc.Name, Address: cc.Addr, GRPCAddress: cc.GRPCAddr, Token: cc.Token,
			SSL: cc.EnableSSL, CAFile: cc.CAFile, GRPCCAFile: cc.GRPCCAFile,
			ClientServiceName: cc.ClientServiceName, ServerServiceName: cc.ServerServiceName,
			AutoAdvertise: cc.AutoAdvertise, ClientAutoJoin: cc.ClientAutoJoin,
			ServerAutoJoin:    cc.ServerAutoJoin,
			ServiceAuthMethod: cc.ServiceIdentityAuthMethod,
			TaskAuthMethod:    cc.TaskIdentityAuthMethod,
			ServiceIdentity:   identityOf(cc.ServiceIdentity),
			TaskIdentity:      identityOf(cc.TaskIdentity),
		})
	}
	return v
}
