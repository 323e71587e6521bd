#!/usr/bin/env bash
# Installs what mzhub needs: npm packages (from the lockfile) and, with --test, the Debian
# packages the test suite uses (Chromium and CJK fonts for browser tests, PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "需要 root 权限安装系统软件包：$*" >&2; exit 1; fi; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> 安装系统软件包：${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# npm packages: reinstall only when the lockfile changed since the last install.
stamp=node_modules/.mzhub-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "==> 安装 npm 依赖"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi

if [ "${1:-}" = "--test" ]; then
  apt_install chromium fonts-noto-cjk
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then apt_install postgresql; fi
fi

# The web console, rebuilt when its sources are newer than the build.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts -newer web/dist/index.html -print -quit)" ]; then
  echo "==> 构建 Web 控制台"
  npx vite build --config web/vite.config.ts --logLevel warn
fi
