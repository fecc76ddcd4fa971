# Shared helpers for vlab's scripts (sourced, not run).

# Tools the project installs for itself come first on PATH.
export PATH="$PWD/.tools/bin:$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# apt-get install, or tell a non-root user what to run.
apt_install() {
  [ $# -gt 0 ] || return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "these Debian packages are missing; run:  sudo apt-get update && sudo apt-get install -y $*"
    exit 1
  fi
  say "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The recorded wasm route (rustup|debian), empty before setup decided.
wasm_route() { cat .tools/wasm-route 2>/dev/null || true; }

# cargo for the server half: the normal toolchain, without the variables
# the Debian wasm route sets.
host_cargo() { env -u RUSTUP_TOOLCHAIN -u RUSTC_BOOTSTRAP cargo "$@"; }

# cargo for the wasm half.
wasm_cargo() {
  if [ "$(wasm_route)" = debian ]; then
    local tc=()
    command -v rustup >/dev/null 2>&1 && tc=(env RUSTUP_TOOLCHAIN=debian-web)
    "${tc[@]}" env RUSTC_BOOTSTRAP=1 cargo "$@" -Zbuild-std=std,panic_abort
  else
    cargo "$@"
  fi
}
