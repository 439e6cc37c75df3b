module github.com/cdktf-nomad-zerotrust/tools/consul-config

go 1.25.8

// The HCL v1 version Consul v1.22.0 pins in its go.mod (with no replace directive).
require github.com/hashicorp/hcl v1.0.1-vault-7
