#!/usr/bin/env bash
# Builds a Nomad binary from the Go module of its release, reusing an earlier build. Prints the
# binary's path on its last line.
#
#   build-nomad.sh [VERSION]   VERSION: v1.11.3 (the default) or v1.7.5
#
# Nomad's go.mod replaces its api module with ./api, which the published module leaves out (it
# is a module of its own), so the build points that replace at a published api module instead:
#   v1.11.3  the api version tools/nomad-validate uses.
#   v1.7.5   (a release before 1.10, which removed the legacy Vault token workflow; the
#            legacy-token check runs on it) the api of c364cb57298d, committed on main 13
#            minutes after the v1.7.5 tag (the api module version Vault v1.21.4 requires).
#
# v1.9.7, the last release before 1.10, cannot be built from what the Go module proxy serves:
# it refuses the api module of v1.9.7's commit (f8695974efdb), and of the api versions other
# modules require, none is near 1.9: the one v1.9.7's go.mod requires (ce00d683f9be, January
# 2023) lacks Task.Identities, Vault.DisableFile, ACLOIDCCompleteAuthRequest and more; c364cb57298d
# (February 2024) lacks TaskSchedule, JobUIConfig, JobVersionTag and more; b0f552dbe971 (2026)
# has dropped Job.VaultToken and Job.ConsulToken and retyped QuotaLimit.RegionLimit, which
# breaks nine places in command/ and command/agent/.
#
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
version=${1:-v1.11.3}
case "$version" in
  v1.11.3) api=v0.0.0-20260408063511-b0f552dbe971 ;;
  v1.7.5) api=v0.0.0-20240213164230-c364cb57298d ;;
  *) echo "build-nomad: no api module version known for Nomad $version" >&2; exit 1 ;;
esac
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
bin="$cache/bin/nomad-$version"

command -v go >/dev/null || { echo "build-nomad: 'go' is not on PATH" >&2; exit 1; }
if [ ! -x "$bin" ]; then
  echo "build-nomad: building Nomad $version" >&2
  work="$cache/builds/nomad-$version"
  mkdir -p "$cache/bin"
  go_module_copy "github.com/hashicorp/nomad@$version" "$work"
  (
    cd "$work"
    go mod edit -replace "github.com/hashicorp/nomad/api=github.com/hashicorp/nomad/api@$api"
    GOFLAGS=-buildvcs=false go build -mod=mod -trimpath -o "$bin.tmp" .
  )
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
