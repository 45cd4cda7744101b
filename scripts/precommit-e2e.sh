#!/usr/bin/env bash
# End-to-end proof of .pre-commit-hooks.yaml with the real pre-commit framework: it installs
# this repository's hook at HEAD (language: rust, so `cargo install --path`) into a throwaway
# git repository, where a commit adding a contradiction must be blocked and a clean one must
# pass. Needs python3, git, cargo and access to PyPI; fails loudly when any is missing.
#
# The hook is built with a lighter release profile (no LTO, opt-level 1) and into a target
# folder kept under target/, so a second run reuses the build.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "precommit-e2e: FAIL: $*" >&2
    exit 1
}

for tool in python3 git cargo; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
    echo "precommit-e2e: note: uncommitted changes are not tested; the hook is installed from HEAD" >&2
fi
rev="$(git -C "$repo" rev-parse HEAD)"

python3 -m venv "$work/venv" || fail "cannot create a Python virtual environment"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit>=3.7" ||
    fail "cannot install pre-commit from PyPI"
pre_commit="$work/venv/bin/pre-commit"
echo "precommit-e2e: $("$pre_commit" --version), hook at $rev" >&2

export PRE_COMMIT_HOME="$work/pre-commit-cache"
export CARGO_TARGET_DIR="$repo/target/pre-commit-hook"
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_OPT_LEVEL=1
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

project="$work/project"
mkdir "$project"
cd "$project"
git init --quiet
git config user.email "e2e@example.invalid"
git config user.name "e2e"
git config commit.gpgsign false
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: factlint
YAML
# The misspelled idiom is a warning by default; this project makes it an error.
printf '[severity]\n"zh/misspelled-idiom" = "error"\n' >factlint.toml
printf 'The project notes.\n' >README.txt
git add .pre-commit-config.yaml factlint.toml README.txt
git commit --quiet --no-verify -m "start"
"$pre_commit" install >/dev/null

start=$(date +%s)
"$pre_commit" install-hooks || fail "the hook could not be installed (cargo install)"
echo "precommit-e2e: hook built and installed in $(($(date +%s) - start)) s" >&2

printf -- '---\ntitle: 赛后\n---\n队员们表示要再接再励，争取更好成绩。\n' >news.md
git add news.md
if git commit --quiet -m "add news" >"$work/blocked.log" 2>&1; then
    cat "$work/blocked.log" >&2
    fail "a commit with a finding was not blocked"
fi
grep -q "zh/misspelled-idiom" "$work/blocked.log" || {
    cat "$work/blocked.log" >&2
    fail "the blocked commit did not show the finding"
}
echo "precommit-e2e: ok: the commit with a finding was blocked" >&2

printf -- '---\ntitle: 赛后\n---\n队员们表示要再接再厉，争取更好成绩。\n' >news.md
git add news.md
git commit --quiet -m "add news" >"$work/passed.log" 2>&1 || {
    cat "$work/passed.log" >&2
    fail "a clean commit was blocked"
}
[ "$(git rev-list --count HEAD)" = 2 ] || fail "the clean commit is missing"
echo "precommit-e2e: ok: the clean commit passed" >&2
