#!/usr/bin/env bash
# Builds a Nomad binary from the Go module of its release, reusing an earlier build. Prints the
# binary's path on its last line. Nomad's go.mod replaces its api module with ./api, which the
# published module leaves out (it is a module of its own), so the build points that replace at
# the published api module instead: the same version tools/nomad-validate uses.
#
#   CDKTF_NZT_CACHE  where builds live (default: ~/.cache/cdktf-nomad-zerotrust)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
version=v1.11.3
api=v0.0.0-20260408063511-b0f552dbe971
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
bin="$cache/bin/nomad-$version"

command -v go >/dev/null || { echo "build-nomad: 'go' is not on PATH" >&2; exit 1; }
if [ ! -x "$bin" ]; then
  echo "build-nomad: building Nomad $version" >&2
  src=$(go_module_dir "github.com/hashicorp/nomad@$version")
  work="$cache/builds/nomad-$version"
  rm -rf "$work"
  mkdir -p "$(dirname "$work")" "$cache/bin"
  cp -r "$src" "$work"
  chmod -R u+w "$work"
  (
    cd "$work"
    go mod edit -replace "github.com/hashicorp/nomad/api=github.com/hashicorp/nomad/api@$api"
    GOFLAGS=-buildvcs=false go build -mod=mod -trimpath -o "$bin.tmp" .
  )
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
