module github.com/cdktf-nomad-zerotrust/tools/traefik-yaml

go 1.25.8

// The YAML library and version Traefik v3.7.13's file loader (paerser v0.2.2) reads with.
require gopkg.in/yaml.v3 v3.0.1
