#!/usr/bin/env bash
# Installs what is needed, loads the demo province on the embedded SQLite database and
# starts the platform at http://127.0.0.1:8080/ (stop it with Ctrl+C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
node bin/mzhub.mjs demo
echo "==> 打开 http://${MZHUB_HOST:-127.0.0.1}:${MZHUB_PORT:-8080}/ 用上面的演示账号登录"
exec node bin/mzhub.mjs serve
