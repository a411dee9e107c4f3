#!/usr/bin/env bash
# pom's set-up, build, demo and tests in one script.
#   ./go demo    install what is missing, build, and run examples/demo on a fresh database
#   ./go test    install what is missing, build, and run every test
#   ./go build   install what is missing and build (build/cmd/pom)
#   ./go completions   build, then rewrite completions/ from the command definition
#   ./go fuzz [SECONDS]   install what is missing and run each fuzz target for SECONDS (default 60)
set -euo pipefail
cd "$(dirname "$0")"

# Everything comes from Debian's packages; nothing is downloaded from anywhere else.
PACKAGES=(
  build-essential cmake
  libcli11-dev libtomlplusplus-dev libsqlitecpp-dev libsqlite3-dev nlohmann-json3-dev catch2
  libhowardhinnant-date-dev libical-dev libssl-dev tzdata
  libpq-dev postgresql-15 pgbouncer libcpp-httplib-dev openssl libqrencode-dev
  sqlite3 python3 python3-jsonschema python3-dateutil chromium chromium-driver python3-selenium zbar-tools firefox-esr
  bash-completion zsh fish
  clang libclang-rt-14-dev
)

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "go: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DPOM_WERROR=ON >/dev/null
  cmake --build build -j "$(nproc)"
}

case "${1:-}" in
  demo)
    install_missing
    build >/dev/null
    PATH="$PWD/build/cmd:$PATH" examples/demo
    ;;
  test)
    install_missing
    build
    ctest --test-dir build --output-on-failure -j "$(nproc)"
    ;;
  build)
    install_missing
    build
    ;;
  completions)
    install_missing
    build >/dev/null
    completions/regenerate build/cmd/pom
    ;;
  fuzz)
    install_missing
    tests/fuzz/run "${2:-60}"
    ;;
  *)
    echo "usage: ./go demo | ./go test | ./go build | ./go completions | ./go fuzz [SECONDS]" >&2
    exit 64
    ;;
esac
