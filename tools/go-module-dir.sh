#!/usr/bin/env bash
# Sourced by the build scripts. go_module_dir MODULE@VERSION prints the directory of the
# downloaded module source, or fails with go's error.
go_module_dir() {
  go mod download -json "$1" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const m = JSON.parse(s);
      if (m.Error || !m.Dir) { console.error("go mod download: " + (m.Error || "no Dir")); process.exit(1); }
      console.log(m.Dir);
    });'
}

# go_module_copy MODULE@VERSION DIR: replaces DIR with a writable copy of the module's source
# (the module cache is read-only), creating its parent directories.
go_module_copy() {
  local src
  src=$(go_module_dir "$1")
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  cp -r "$src" "$2"
  chmod -R u+w "$2"
}
