#!/usr/bin/env bash
# Builds a Vault binary from the Go module of its release, reusing an earlier build. Prints the
# binary's path on its last line.
#
# Vault's go.mod replaces its own sub-modules (api, api/auth/*, sdk) with directories of the
# repository. Those directories are modules of their own, so the published vault module leaves
# them out and the replaces point at nothing. The build rewrites each such replace to the
# published release of that sub-module which go.mod itself requires (for Vault v1.21.4:
# vault/api v1.22.0, vault/sdk v0.21.0, the auth helpers) and fails if one is not required at
# a release.
#
# sdk v0.21.0 was tagged on Vault's main branch, and the release/1.21.x branch's own sdk differs
# from it in two signatures. No published sdk release matches the branch (v0.20.0 lacks the
# observation methods the branch's backends call; no later release has the branch's shapes), so
# when the sdk has main's shapes, the three lines of Vault that use them are adapted:
#   - framework.Backend.ActivationFunc takes a third argument, the activation flag's name: the
#     branch's identity-deduplication function ignores it, and Vault's one call passes "".
#   - keysutil.LockManager.RestorePolicy returns only an error, not also the restored key's
#     name, which transit's restore handler only puts in an observation (telemetry) record:
#     the handler then records the requested name.
# Neither path is used by the checks (identity deduplication, transit key restore). The build
# fails if a line to adapt is not found exactly once.
#
# The binary is built like Vault's release builds, without cgo and without symbol tables, but
# without the `ui` tag: the web UI is not in the module, and the checks use only the HTTP API.
#
#   CDKTF_NZT_CACHE  where builds live (default: ~/.cache/cdktf-nomad-zerotrust)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=go-module-dir.sh
. "$here/go-module-dir.sh"
version=v1.21.4
cache=${CDKTF_NZT_CACHE:-$HOME/.cache/cdktf-nomad-zerotrust}
bin="$cache/bin/vault-$version"

# replace_in FILE OLD NEW: replaces the one line equal to OLD (leading blanks aside) with NEW.
replace_in() {
  node -e '
    const fs = require("fs");
    const [file, from, to] = process.argv.slice(1);
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const hits = lines.flatMap((l, i) => (l.trim() === from ? [i] : []));
    if (hits.length !== 1) {
      console.error(`build-vault: expected one line "${from}" in ${file}, found ${hits.length}`);
      process.exit(1);
    }
    const i = hits[0];
    lines[i] = lines[i].slice(0, lines[i].length - lines[i].trimStart().length) + to;
    fs.writeFileSync(file, lines.join("\n"));
  ' "$@"
}

command -v go >/dev/null || { echo "build-vault: 'go' is not on PATH" >&2; exit 1; }
if [ ! -x "$bin" ]; then
  echo "build-vault: building Vault $version" >&2
  work="$cache/builds/vault-$version"
  mkdir -p "$cache/bin"
  go_module_copy "github.com/hashicorp/vault@$version" "$work"
  (
    cd "$work"
    # One "-replace=old=old@version" argument per local replace whose directory is missing.
    edits=$(go mod edit -json | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const mod = JSON.parse(s);
        const fs = require("fs");
        const required = new Map((mod.Require || []).map((r) => [r.Path, r.Version]));
        for (const r of mod.Replace || []) {
          if (!r.New.Path.startsWith("./") || fs.existsSync(r.New.Path)) continue;
          const v = required.get(r.Old.Path);
          if (!v || v.startsWith("v0.0.0-")) {
            console.error(`build-vault: ${r.Old.Path} => ${r.New.Path} is missing and go.mod requires no release of it`);
            process.exit(1);
          }
          console.log(`-replace=${r.Old.Path}=${r.Old.Path}@${v}`);
        }
      });')
    # shellcheck disable=SC2086 # one argument per line, none with spaces
    go mod edit $edits
    echo "build-vault: sub-modules from published releases:" $edits >&2

    sdk=$(go_module_dir "$(go mod edit -json | node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const r = JSON.parse(s).Replace.find((x) => x.Old.Path === "github.com/hashicorp/vault/sdk");
        console.log(`${r.New.Path}@${r.New.Version}`);
      });')")
    if grep -q 'ActivationFunc func(context.Context, \*logical.Request, string) error' \
      "$sdk/framework/backend.go"; then
      echo "build-vault: adapting Vault to the sdk's three-argument ActivationFunc" >&2
      replace_in vault/identity_store.go \
        'ActivationFunc: iStore.activateDeduplication,' \
        'ActivationFunc: func(ctx context.Context, req *logical.Request, _ string) error { return iStore.activateDeduplication(ctx, req) },'
      replace_in vault/logical_system_activation_flags.go \
        'if err := b.idStoreBackend.ActivationFunc(ctx, nil); err != nil {' \
        'if err := b.idStoreBackend.ActivationFunc(ctx, nil, ""); err != nil {'
    fi
    if grep -q 'RestorePolicy(ctx context.Context, storage logical.Storage, name, backup string, force bool) error {' \
      "$sdk/helper/keysutil/lock_manager.go"; then
      echo "build-vault: adapting transit to the sdk's error-only RestorePolicy" >&2
      replace_in builtin/logical/transit/path_restore.go \
        'restoredKeyName, err := b.lm.RestorePolicy(ctx, req.Storage, keyName, backupB64, force)' \
        'restoredKeyName, err := keyName, b.lm.RestorePolicy(ctx, req.Storage, keyName, backupB64, force)'
    fi

    CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -mod=mod -trimpath \
      -ldflags "-s -w -X github.com/hashicorp/vault/version.GitCommit=module-$version" \
      -o "$bin.tmp" .
  )
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
