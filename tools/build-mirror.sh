#!/usr/bin/env bash
# Builds the Terraform providers listed in providers.env into a filesystem mirror
# (registry.terraform.io/hashicorp/<name>/<version>/<os>_<arch>/), reusing whatever an earlier
# run already built. A provider comes from its Go module, or from a source archive of its
# release tag in the providers directory (for releases the Go module proxy does not serve).
# Prints the mirror's path on its last line.
#
#   CDKTF_NZT_CACHE      where the mirror and build directories live
#                        (default: ~/.cache/cdktf-nomad-zerotrust; never inside the repository)
#   CDKTF_NZT_PROVIDERS  the directory of the source archives
#                        (default: ../shared/providers beside the repository)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
mirror="$cache/terraform-mirror"
builds="$cache/builds"
archives=${CDKTF_NZT_PROVIDERS:-$here/../../shared/providers}
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
  work="$builds/$name-$version"
  if [ "$module" = archive ]; then
    archive="$archives/$goversion"
    [ -f "$archive" ] || { echo "build-mirror: $archive not found (set CDKTF_NZT_PROVIDERS)" >&2; exit 1; }
    echo "build-mirror: building $name $version from $archive" >&2
    rm -rf "$work" && mkdir -p "$work"
    tar -xzf "$archive" -C "$work" --strip-components=1
  else
    echo "build-mirror: building $name $version from $module@$goversion" >&2
    go_module_copy "$module@$goversion" "$work"
  fi
  mkdir -p "$dest"
  # Built as the main module, so the provider's own replace directives apply.
  (cd "$work" && GOFLAGS=-buildvcs=false go build -trimpath -o "$bin.tmp" .)
  mv "$bin.tmp" "$bin"
done < "$here/providers.env"

echo "$mirror"
