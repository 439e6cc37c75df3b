#!/usr/bin/env bash
# Builds a Traefik binary from the Go module of its release (main package cmd/traefik), reusing
# an earlier build. Prints the binary's path on its last line.
#
# The published module cannot be built exactly as released, for reasons outside Traefik's code.
# The build copy gets the smallest changes that make it build, and says which on stderr:
#
#  1. go.mod replaces github.com/traefik/traefik/dynamic/ext with ./pkg/config/dynamic/ext, a
#     nested module that the module zip leaves out. In the open-source build that package is an
#     extension point holding two empty structs, HTTP and Router, embedded inline in the dynamic
#     configuration types. The copy gets a stand-in module with exactly those two empty types.
#  2. The web UI (webui/static, embedded with go:embed) is built by a JavaScript toolchain and
#     the module holds only a placeholder file, so the dashboard cannot load its page template
#     (index.html) and logs an error when the API is enabled. The copy gets a one-line
#     index.html saying so; the API (/api/...) is unaffected, the dashboard shows no UI.
#  3. Only when the Go module proxy serves no source for them (checked with `go mod download`):
#     - the fork of go-http-auth pinned by the release (used by the basicAuth and digestAuth
#       middlewares) is replaced by the fork's previous version, the one Traefik v3.6 builds with;
#     - ACME DNS-challenge providers of lego whose SDK version is not served are left out of
#       lego's provider table (a local copy of the lego module). Asking for one of them then fails
#       with lego's "unrecognized DNS provider" error. HTTP/TLS challenges, the Tailscale resolver
#       and everything else are the release's code.
#
#   CDKTF_NZT_CACHE  where builds live (default: ~/.cache/cdktf-nomad-zerotrust)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
version=v3.7.13
lego=github.com/go-acme/lego/v5@v5.4.1
http_auth=github.com/containous/go-http-auth
http_auth_pinned=v0.4.1-0.20260804094822-b975dcaa8c48
http_auth_previous=v0.4.1-0.20200324110947-a37a7636d23e
# lego DNS provider (as named in lego's provider table) and the modules it needs, as required by
# Traefik's go.mod of the release above.
dns_provider_modules='
alidns github.com/go-acme/alidns-20150109/v5@v5.6.1
aliesa github.com/go-acme/esa-20240910/v3@v3.13.0
azion github.com/aziontech/azionapi-go-sdk@v0.148.0
dnsimple github.com/dnsimple/dnsimple-go/v9@v9.1.1
edgedns github.com/akamai/AkamaiOPEN-edgegrid-golang/v13@v13.4.0
edgeone github.com/go-acme/tencentedgdeone@v1.3.170
huaweicloud github.com/huaweicloud/huaweicloud-sdk-go-v3@v0.1.213
oraclecloud github.com/nrdcg/oci-go-sdk/common/v1065@v1065.124.0
oraclecloud github.com/nrdcg/oci-go-sdk/dns/v1065@v1065.124.0
regfish github.com/regfish/regfish-dnsapi-go@v0.2.0
sakuracloud github.com/sacloud/sacloud-sdk-go@v0.1.0
tencentcloud github.com/go-acme/tencentclouddnspod@v1.3.131
ucloud github.com/ucloud/ucloud-sdk-go@v0.22.116
yandexcloud github.com/yandex-cloud/go-genproto@v0.117.0
yandexcloud github.com/yandex-cloud/go-sdk/services/dns@v0.0.94
'
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
bin="$cache/bin/traefik-$version"

note() { echo "build-traefik: $*" >&2; }
served() { go mod download "$1" >/dev/null 2>&1; }

command -v go >/dev/null || { echo "build-traefik: 'go' is not on PATH" >&2; exit 1; }
if [ ! -x "$bin" ]; then
  note "building Traefik $version"
  work="$cache/builds/traefik-$version"
  mkdir -p "$cache/bin"
  go_module_copy "github.com/traefik/traefik/v3@$version" "$work"
  cd "$work"

  ext=pkg/config/dynamic/ext
  if [ ! -e "$ext/go.mod" ]; then
    note "adding the empty dynamic/ext extension module the module zip leaves out"
    mkdir -p "$ext"
    printf 'module github.com/traefik/traefik/dynamic/ext\n\ngo 1.24.0\n' >"$ext/go.mod"
    cat >"$ext/ext.go" <<'EOF'
// Package ext stands in for Traefik's dynamic-configuration extension point, which the
// published module omits (it is a nested module). Both types are empty, as in the open-source
// build, so the configuration types that embed them are unchanged.
package ext

// HTTP is embedded inline in dynamic.HTTPConfiguration.
type HTTP struct{}

// Router is embedded inline in dynamic.Router.
type Router struct{}
EOF
  fi

  if [ ! -f webui/static/index.html ]; then
    note "webui/static has no index.html (the built web UI is not in the module); writing a placeholder page"
    mkdir -p webui/static
    cat >webui/static/index.html <<'EOF'
<!DOCTYPE html>
<html><head><title>Traefik</title></head>
<body><p>This Traefik was built from its Go module, without the web UI assets. The API is at {{ .APIUrl }}.</p></body>
</html>
EOF
  fi

  if ! served "$http_auth@$http_auth_pinned"; then
    note "the proxy serves no source for $http_auth@$http_auth_pinned;" \
      "using $http_auth@$http_auth_previous (basicAuth/digestAuth middlewares)"
    go mod edit -replace "github.com/abbot/go-http-auth=$http_auth@$http_auth_previous"
  fi

  dropped=''
  while read -r provider module; do
    [ -n "$provider" ] || continue
    case " $dropped " in *" $provider "*) continue ;; esac
    served "$module" || dropped="$dropped $provider"
  done <<<"$dns_provider_modules"
  if [ -n "$dropped" ]; then
    note "the proxy serves no source for the SDKs of these lego DNS providers; leaving them" \
      "out of lego's provider table:$dropped"
    legodir="$work/third_party/lego"
    go_module_copy "$lego" "$legodir"
    table="$legodir/providers/dns/zz_gen_dns_providers.go"
    for provider in $dropped; do
      # Drop the provider's import and its case (the case line and the return under it).
      sed -i -e "\#\"github.com/go-acme/lego/v5/providers/dns/$provider\"#d" \
        -e "/^\tcase .*\"$provider\"/{N;d}" "$table"
      grep -q "providers/dns/$provider\"\|[^a-z]$provider\.NewDNSProvider" "$table" &&
        { note "could not remove $provider from $table"; exit 1; }
    done
    go mod edit -replace "github.com/go-acme/lego/v5=./third_party/lego"
  fi

  pkg=github.com/traefik/traefik/v3/pkg/version
  CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -mod=mod -trimpath \
    -ldflags "-s -w -X $pkg.Version=$version -X $pkg.Codename=module-build" \
    -o "$bin.tmp" ./cmd/traefik
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
