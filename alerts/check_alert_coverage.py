#!/usr/bin/env python3
"""Checks that every alert in the rule file is tested, documented and linked correctly.

For each alert name in replwatch-alerts.yml:
  - at least one unit test in tests/*.test.yml expects it to fire (non-empty exp_alerts),
  - at least one unit test expects it to stay quiet (exp_alerts: []),
  - its runbook_url points at docs/runbook.md#<name in lower case>,
  - its `diagnose` annotation is DIAGNOSE (the `replwatch diagnose` command for its job, else
    its node, else all jobs),
  - docs/runbook.md has a `## <name>` section (GitHub derives the same anchor from it).

The files are parsed with regular expressions (python3 stdlib only); they are ours and keep
the layout these patterns expect.

usage: check_alert_coverage.py <replwatch-alerts.yml> <tests dir> <runbook.md>
"""
import glob
import os
import re
import sys

RUNBOOK_URL = "https://github.com/replwatch/replwatch/blob/main/docs/runbook.md#"
DIAGNOSE = (
    "'replwatch diagnose{{ if $labels.job_id }} --job {{ $labels.job_id }}"
    "{{ else if $labels.node }} --node {{ $labels.node }}{{ end }}'"
)


def alert_rules(rules_text):
    """Yields (name, runbook_url, diagnose annotation) per alerting rule."""
    for block in re.split(r"\n(?=\s*- (?:alert|record): )", rules_text):
        name = re.search(r"^\s*- alert: (\S+)", block, re.M)
        if name:
            url = re.search(r"^\s*runbook_url: (\S+)", block, re.M)
            diagnose = re.search(r"^\s*diagnose: (.+)$", block, re.M)
            yield (
                name.group(1),
                url.group(1) if url else None,
                diagnose.group(1) if diagnose else None,
            )


def tested_alerts(test_texts):
    """Returns (names expected to fire, names expected to stay quiet)."""
    firing, quiet = set(), set()
    for text in test_texts:
        for match in re.finditer(r"alertname: (\S+)\n\s*exp_alerts:(.*)", text):
            name, rest = match.group(1), match.group(2).strip()
            (quiet if rest == "[]" else firing).add(name)
    return firing, quiet


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    rules_path, tests_dir, runbook_path = sys.argv[1:]
    with open(rules_path, encoding="utf-8") as f:
        rules = list(alert_rules(f.read()))
    tests = []
    for path in sorted(glob.glob(os.path.join(tests_dir, "*.test.yml"))):
        with open(path, encoding="utf-8") as f:
            tests.append(f.read())
    with open(runbook_path, encoding="utf-8") as f:
        headings = set(re.findall(r"^## (\S+)\s*$", f.read(), re.M))

    firing, quiet = tested_alerts(tests)
    problems = []
    for name, url, diagnose in rules:
        if url != RUNBOOK_URL + name.lower():
            problems.append(f"{name}: runbook_url is {url}, expected {RUNBOOK_URL}{name.lower()}")
        if diagnose != DIAGNOSE:
            problems.append(f"{name}: diagnose annotation is {diagnose}, expected {DIAGNOSE}")
        if name not in firing:
            problems.append(f"{name}: no unit test expects it to fire")
        if name not in quiet:
            problems.append(f"{name}: no unit test expects it to stay quiet")
        if name not in headings:
            problems.append(f"{name}: no '## {name}' section in {runbook_path}")
    if not rules:
        problems.append(f"no alerting rules found in {rules_path}")
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{len({rule[0] for rule in rules})} alerts: tested, documented and linked")


if __name__ == "__main__":
    main()
