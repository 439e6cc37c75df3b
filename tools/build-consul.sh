#!/usr/bin/env bash
# Builds a Consul binary from the Go module of its release, reusing an earlier build. Prints the
# binary's path on its last line. The binary is a server under test only (Consul 1.22 is under
# the BUSL): it lives in the cache, never in the repository or the package.
#
#   build-consul.sh [VERSION]   VERSION: v1.22.0 (the default)
#
# Consul's go.mod replaces its five submodules (api, envoyextensions, proto-public, sdk,
# troubleshoot) with local directories the published module leaves out, so the build points
# those replaces at the published versions of the submodules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
version=${1:-v1.22.0}
case "$version" in
  v1.22.0)
    submodules="api@v1.33.0 envoyextensions@v0.9.0 proto-public@v0.7.0 sdk@v0.17.0 troubleshoot@v0.8.0"
    ;;
  *) echo "build-consul: no submodule versions known for Consul $version" >&2; exit 1 ;;
esac
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
bin="$cache/bin/consul-$version"

command -v go >/dev/null || { echo "build-consul: 'go' is not on PATH" >&2; exit 1; }
if [ ! -x "$bin" ]; then
  echo "build-consul: building Consul $version" >&2
  work="$cache/builds/consul-$version"
  mkdir -p "$cache/bin"
  go_module_copy "github.com/hashicorp/consul@$version" "$work"
  (
    cd "$work"
    for sub in $submodules; do
      go mod edit -replace "github.com/hashicorp/consul/${sub%@*}=github.com/hashicorp/consul/$sub"
    done
    GOFLAGS=-buildvcs=false go build -mod=mod -trimpath -o "$bin.tmp" .
  )
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
