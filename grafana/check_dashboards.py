#!/usr/bin/env python3
"""Checks the replwatch Grafana dashboards.

For every dashboard JSON:
  - conventions: no `__inputs` (file provisioning does not resolve them), schemaVersion 39,
    a `datasource` variable (type datasource, query prometheus, label "Data source"), a
    `pve_cluster` variable, unique panel ids, and every panel with a title, a description,
    datasource `${datasource}` and at least one target using that datasource;
  - every PromQL expression (panel targets and query variables, with template variables
    replaced by sample values) is valid: they are written as recording rules into a temporary
    rule file and checked with `promtool check rules`;
  - every metric name used is documented in docs/metrics.md or recorded by
    alerts/replwatch-recording.yml.

usage: check_dashboards.py <promtool> <metrics.md> <recording rules> <dashboard.json>...
"""
import json
import os
import re
import subprocess
import sys
import tempfile

DATASOURCE_UID = "${datasource}"
SCHEMA_VERSION = 39
# Grafana's built-in variables that stand for durations inside range selectors.
DURATION_VARIABLES = ("__rate_interval", "__interval", "__range")
METRIC_NAME = re.compile(r"\b(replwatch[a-zA-Z0-9_:]*)")
LABEL_VALUES = re.compile(r"^label_values\((.*),\s*(\w+)\)$", re.S)
VARIABLE = re.compile(r"\$\{(\w+)(?::\w+)?\}|\$(\w+)")


def expand_variables(expr, value_of):
    """Replaces every Grafana template variable `$name`/`${name}` by `value_of(name)`, and
    keeps it as written where that is None (as Grafana does with unknown names, e.g. `$1`)."""

    def replace(match):
        value = value_of(match.group(1) or match.group(2))
        return match.group(0) if value is None else value

    return VARIABLE.sub(replace, expr)


def substitute_variables(expr):
    """Replaces Grafana template variables by values that keep the PromQL valid."""
    return expand_variables(expr, lambda name: "5m" if name in DURATION_VARIABLES else ".+")


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # panels inside collapsed rows


def check_conventions(name, dashboard, problems):
    if "__inputs" in dashboard:
        problems.append(f"{name}: has __inputs (not resolved by file provisioning)")
    if dashboard.get("schemaVersion") != SCHEMA_VERSION:
        problems.append(
            f"{name}: schemaVersion is {dashboard.get('schemaVersion')}, expected {SCHEMA_VERSION}"
        )
    variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if (
        not ds
        or ds.get("type") != "datasource"
        or ds.get("query") != "prometheus"
        or ds.get("label") != "Data source"
    ):
        problems.append(
            f"{name}: needs a 'datasource' variable (type datasource, query prometheus, "
            "label 'Data source')"
        )
    if "pve_cluster" not in variables:
        problems.append(f"{name}: needs a 'pve_cluster' variable")
    for var in variables.values():
        if var.get("type") == "query" and var.get("datasource", {}).get("uid") != DATASOURCE_UID:
            problems.append(f"{name}: variable {var.get('name')} does not use {DATASOURCE_UID}")

    ids = [p.get("id") for p in panels_of(dashboard)]
    if len(ids) != len(set(ids)):
        problems.append(f"{name}: duplicate panel ids")
    for panel in panels_of(dashboard):
        if panel.get("type") == "row":
            continue
        title = panel.get("title") or f"panel {panel.get('id')}"
        where = f"{name}: {title}"
        if not panel.get("title"):
            problems.append(f"{where}: no title")
        if not panel.get("description"):
            problems.append(f"{where}: no description")
        if panel.get("datasource", {}).get("uid") != DATASOURCE_UID:
            problems.append(f"{where}: datasource is not {DATASOURCE_UID}")
        targets = panel.get("targets") or []
        if not targets:
            problems.append(f"{where}: no targets")
        for target in targets:
            if target.get("datasource", {}).get("uid") != DATASOURCE_UID:
                problems.append(
                    f"{where}: target {target.get('refId')} datasource is not {DATASOURCE_UID}"
                )
            if not target.get("expr"):
                problems.append(f"{where}: target {target.get('refId')} has no expr")


def panel_expressions(name, dashboard):
    """Yields (where, PromQL) for panel targets."""
    for panel in panels_of(dashboard):
        for target in panel.get("targets") or []:
            if target.get("expr"):
                yield f"{name}: {panel.get('title')} [{target.get('refId')}]", target["expr"]


def expressions(name, dashboard):
    """Yields (where, PromQL) for panel targets and query variables."""
    yield from panel_expressions(name, dashboard)
    for var in dashboard.get("templating", {}).get("list", []):
        if var.get("type") != "query":
            continue
        query = variable_query(var)
        match = LABEL_VALUES.match(query)
        yield f"{name}: variable {var.get('name')}", match.group(1) if match else query


def variable_query(var):
    """The query of a query variable (a string, or in a dict in newer Grafana versions)."""
    query = var.get("query")
    query = query.get("query", "") if isinstance(query, dict) else query or ""
    return query.strip()


def known_metric_names(metrics_md, recording_rules):
    with open(metrics_md, encoding="utf-8") as f:
        names = set(re.findall(r"\b(replwatch_[a-z0-9_]+)", f.read()))
    with open(recording_rules, encoding="utf-8") as f:
        names |= set(re.findall(r"^\s*- record: (\S+)", f.read(), re.M))
    return names


def promtool_check(promtool, exprs, problems):
    """Writes the expressions as recording rules and lets promtool parse them."""
    lines = ["groups:", "  - name: dashboard-expressions", "    rules:"]
    for index, (_, expr) in enumerate(exprs):
        lines.append(f"      - record: dashboard:expr_{index}")
        lines.append(f"        expr: {json.dumps(substitute_variables(expr))}")
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        result = subprocess.run([promtool, "check", "rules", path], capture_output=True, text=True)
    finally:
        os.unlink(path)
    if result.returncode != 0:
        output = result.stdout + result.stderr
        problems.append(f"promtool rejected dashboard expressions:\n{output}")
        # Point at the culprits: promtool names the failing rule by its index.
        for index in sorted({int(i) for i in re.findall(r"dashboard:expr_(\d+)", output)}):
            problems.append(f"  expr_{index} = {exprs[index][0]}: {exprs[index][1]}")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    promtool, metrics_md, recording_rules, *dashboard_paths = sys.argv[1:]
    known = known_metric_names(metrics_md, recording_rules)
    problems, exprs = [], []
    for path in dashboard_paths:
        name = os.path.basename(path)
        try:
            with open(path, encoding="utf-8") as f:
                dashboard = json.load(f)
        except (OSError, json.JSONDecodeError) as error:
            problems.append(f"{name}: cannot load: {error}")
            continue
        check_conventions(name, dashboard, problems)
        for where, expr in expressions(name, dashboard):
            exprs.append((where, expr))
            for metric in METRIC_NAME.findall(expr):
                if metric not in known:
                    problems.append(
                        f"{where}: metric {metric} is not in docs/metrics.md "
                        "nor recorded by the recording rules"
                    )
    if exprs:
        promtool_check(promtool, exprs, problems)
    else:
        problems.append("no PromQL expressions found")
    for problem in problems:
        print("FAIL:", problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(
        f"{len(dashboard_paths)} dashboards, {len(exprs)} expressions: "
        "conventions, PromQL and metric names ok"
    )


if __name__ == "__main__":
    main()
