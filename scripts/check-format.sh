#!/usr/bin/env bash
# Fails if any tracked file is not formatted as the repository's formatters
# would write it:
#   scripts/check-format.sh cxx      clang-format (.clang-format: Google style)
#   scripts/check-format.sh python   black (pyproject.toml) and flake8 (.flake8)
# To reformat: clang-format -i <files>, black <files>. Run from CTest
# (format:cxx, format:python) on the Debian 12 host; Debian 13's clang-format
# 19 formats some constructs differently, so the check runs with one version.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  cxx)
    git ls-files -z '*.cc' '*.h' | xargs -0 clang-format --dry-run --Werror
    ;;
  python)
    # Python scripts without the .py suffix are found by their shebang.
    mapfile -t files < <({
      git ls-files '*.py'
      git ls-files | grep -v '\.py$' | while read -r file; do
        [ -f "$file" ] && head -c 40 "$file" | grep -q '^#!/usr/bin/env python3' && echo "$file"
      done
    } | sort -u)
    # Not --quiet: it would hide which file black would reformat.
    black --check "${files[@]}"
    flake8 "${files[@]}"
    ;;
  *)
    echo "usage: $0 cxx|python" >&2
    exit 2
    ;;
esac
