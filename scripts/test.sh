#!/usr/bin/env bash
# Installs what the tests need, then runs every check: format, lint, type check, and the
# whole test suite (API, CLI and browser tests) on SQLite and on a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test

echo "==> 格式与代码检查"
npx prettier --check --log-level warn .
npx eslint --max-warnings 0 .
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p web/tsconfig.json

echo "==> 启动临时 PostgreSQL"
eval "$(bash scripts/pg-test-cluster.sh start)"
trap 'bash scripts/pg-test-cluster.sh stop "$PG_TEST_DIR"' EXIT

echo "==> 运行测试（SQLite 与 PostgreSQL）"
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.test.ts' | grep -v node_modules | sort)
node --import tsx --test --test-concurrency=2 --test-timeout=120000 "${files[@]}"
