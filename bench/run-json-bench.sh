#!/usr/bin/env bash
# JSON: today's parser (nlohmann's SAX lexer feeding replwatch's budgeted tree)
# side by side with nlohmann's DOM and with the hand-written parser replwatch
# had before (taken from git), on the same inputs: time and peak RSS per parse.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh nlohmann-json3-dev g++
old_revision=40a0e26  # the last commit with the hand-written parser
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/old/text" "$work/inputs"
for file in json.h json.cc json_value.cc text_scan.h text_scan.cc utf8.h utf8.cc \
  decimal_digits.h decimal_digits.cc parse_error.h; do
  git show "$old_revision:text/$file" > "$work/old/text/$file"
done
flags=(-std=c++17 -O2 -DNDEBUG)
text_sources=(text/json.cc text/json_value.cc text/text_scan.cc text/utf8.cc text/decimal_digits.cc)
g++ "${flags[@]}" -I. bench/json_bench.cc \
  "${text_sources[@]}" -o "$work/today"
g++ "${flags[@]}" -DJSON_BENCH_NLOHMANN_DOM bench/json_bench.cc -o "$work/nlohmann-dom"
(cd "$work/old" && g++ "${flags[@]}" -I. "$OLDPWD/bench/json_bench.cc" \
  "${text_sources[@]}" -o "$work/hand-written")
python3 bench/make_json_inputs.py "$work/inputs"
for input in "$work"/inputs/*.json; do
  echo "$(basename "$input"):"
  for parser in today nlohmann-dom hand-written; do
    best=""
    for _ in 1 2 3; do
      run=$("$work/$parser" "$input")
      seconds=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$run")
      if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $seconds < $best)"; then
        best=$seconds
        best_run=$run
      fi
    done
    printf '  %-13s %s\n' "$parser" "$best_run"
  done
done
