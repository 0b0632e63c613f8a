"""Every PromQL expression of the Grafana dashboards (panel targets and query variables),
evaluated against the real Prometheus of the alerting test.

Template variables are replaced the way Grafana does with a fresh dashboard: a query
variable offers the sorted label values its `label_values(...)` query returns; "All" (when
the variable has it) becomes the variable's `allValue`, otherwise the first option is
selected. Grafana's built-in interval variables get the values Grafana computes for the
dashboards' 24h range and Prometheus' default 15s scrape interval.

Expressions that return nothing on a healthy cluster are listed, with the lab fault that
fills them and why, in grafana/empty-when-healthy.txt.
"""
import glob
import json
import os
import sys
import urllib.error

from alert_stack import REPO

GRAFANA = os.path.join(REPO, "grafana")
sys.path.insert(0, GRAFANA)
import check_dashboards  # noqa: E402

EMPTY_WHEN_HEALTHY = os.path.join(GRAFANA, "empty-when-healthy.txt")
BUILT_IN = {"__interval": "1m", "__rate_interval": "75s", "__range": "24h"}
NO_FAULT = "-"


def empty_when_healthy():
    """{expression: (lab fault that fills it or NO_FAULT, reason)} from the listing."""
    listed = {}
    with open(EMPTY_WHEN_HEALTHY, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = [part.strip() for part in line.split(" | ")]
            if len(parts) != 3 or not all(parts):
                raise ValueError(
                    "%s:%d: expected `<expression> | <lab fault or -> | <reason>`"
                    % (EMPTY_WHEN_HEALTHY, number)
                )
            listed[parts[0]] = (parts[1], parts[2])
    return listed


class Dashboard:
    """One dashboard's variables, resolved against Prometheus, and its expressions."""

    def __init__(self, path, query):
        self.name = os.path.basename(path)
        with open(path, encoding="utf-8") as f:
            self.json = json.load(f)
        self.query = query
        self.options = {}  # variable -> the values it offers
        self.selected = {}  # variable -> the value Grafana puts into queries
        self.single = set()  # variables without "All": one value at a time
        self.problems = []
        for var in self.json.get("templating", {}).get("list", []):
            self._resolve(var)
        self.expressions = list(check_dashboards.panel_expressions(self.name, self.json))

    def _resolve(self, var):
        name = var.get("name")
        if var.get("type") == "datasource":
            return  # only in datasource fields, never in PromQL
        match = check_dashboards.LABEL_VALUES.match(check_dashboards.variable_query(var))
        if var.get("type") != "query" or not match:
            self.problems.append(
                "%s: variable %s is not a label_values() query variable" % (self.name, name)
            )
            return
        selector, result = self.expand(match.group(1)), []
        try:
            result = self.query(selector)
        except urllib.error.HTTPError as e:
            self.problems.append("%s: variable %s: %s" % (self.name, name, _rejection(e, selector)))
        values = sorted(
            {s["metric"][match.group(2)] for s in result if match.group(2) in s["metric"]}
        )
        if not values:
            self.problems.append(
                "%s: variable %s offers no value: %s has no series with %s"
                % (self.name, name, selector, match.group(2))
            )
        self.options[name] = values
        if var.get("includeAll"):
            self.selected[name] = var.get("allValue") or ".*"
        else:
            self.single.add(name)
            self.selected[name] = values[0] if values else ""

    def expand(self, expr, chosen=None):
        """`expr` with Grafana's values; `chosen` overrides the selected ones."""
        values = {**BUILT_IN, **self.selected, **(chosen or {})}
        return check_dashboards.expand_variables(expr, values.get)

    def single_choices(self, expr):
        """Every selection of the single-value variables `expr` uses (a user going through
        the drop-downs one value at a time); [{}] when it uses none."""
        used = {m.group(1) or m.group(2) for m in check_dashboards.VARIABLE.finditer(expr)}
        choices = [{}]
        for name in sorted(used & self.single):
            choices = [dict(c, **{name: v}) for c in choices for v in self.options[name]]
        return choices


def load(query):
    """Every dashboard of grafana/dashboards, resolved with `query` (PromQL -> result list)."""
    return [
        Dashboard(path, query)
        for path in sorted(glob.glob(os.path.join(GRAFANA, "dashboards", "*.json")))
    ]


def no_data(dashboards, query, wanted=None, any_selection=False):
    """[(expression, why)] for expressions that return nothing or fail. `wanted` limits the
    check to those expressions; `any_selection` accepts data under any single-value choice."""
    problems = [] if wanted is not None else [(d.name, p) for d in dashboards for p in d.problems]
    for dashboard in dashboards:
        for where, expr in dashboard.expressions:
            if wanted is not None and where not in wanted:
                continue
            choices = dashboard.single_choices(expr) if any_selection else [{}]
            failures = []
            for chosen in choices:
                why = _evaluate(query, dashboard.expand(expr, chosen))
                if why is None:
                    break
                failures.append(why)
            else:
                problems.append((where, "; ".join(sorted(set(failures)))))
    return problems


def rejected(dashboards, query):
    """[(expression, why)] for expressions Prometheus refuses (a parse or execution error,
    such as a join that finds two series where it wants one), empty or not."""
    problems = []
    for dashboard in dashboards:
        for where, expr in dashboard.expressions:
            try:
                query(dashboard.expand(expr))
            except urllib.error.HTTPError as e:
                problems.append((where, _rejection(e, dashboard.expand(expr))))
    return problems


def _evaluate(query, expr):
    """None if `expr` returns data, else why not."""
    try:
        return None if query(expr) else "no data: %s" % " ".join(expr.split())
    except urllib.error.HTTPError as e:
        return _rejection(e, expr)


def _rejection(error, expr):
    return "rejected (%s): %s: %s" % (error.code, error.read().decode(errors="replace"), expr)
