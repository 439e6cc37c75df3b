#!/usr/bin/env bash
# Builds the Terraform providers listed in providers.env from their Go modules into a
# filesystem mirror (registry.terraform.io/hashicorp/<name>/<version>/<os>_<arch>/), reusing
# whatever an earlier run already built. Prints the mirror's path on its last line.
#
#   CDKTF_NZT_CACHE  where the mirror and build directories live
#                    (default: ~/.cache/cdktf-nomad-zerotrust; never inside the repository)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
mirror="$cache/terraform-mirror"
builds="$cache/builds"
mkdir -p "$mirror" "$builds"

command -v go >/dev/null || { echo "build-mirror: 'go' is not on PATH; it is needed to build the providers" >&2; exit 1; }
platform="$(go env GOOS)_$(go env GOARCH)"

while read -r name version module goversion; do
  case "$name" in ''|\#*) continue ;; esac
  dest="$mirror/registry.terraform.io/hashicorp/$name/$version/$platform"
  bin="$dest/terraform-provider-${name}_v$version"
  if [ -x "$bin" ]; then
    echo "build-mirror: $name $version already built" >&2
    continue
  fi
  echo "build-mirror: building $name $version from $module@$goversion" >&2
  work="$builds/$name-$version"
  go_module_copy "$module@$goversion" "$work"
  mkdir -p "$dest"
  # Built as the main module, so the provider's own replace directives apply.
  (cd "$work" && GOFLAGS=-buildvcs=false go build -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
done < "$here/providers.env"

echo "$mirror"
