"""promtool's rule unit tests over what replwatch read from the lab: the shipped rule files
evaluated on lab readings minute by minute, for what a real Prometheus could only show
after hours (trends) or through another path (what one scrape makes page)."""
import os
import shutil
import subprocess
import tempfile


def series_selector(metric, labels):
    """`metric{a="1",b="2"}`, labels sorted; metric "" for a result without a name."""
    return "%s{%s}" % (metric, ",".join('%s="%s"' % kv for kv in sorted(labels.items())))


def expr_test(expr, minute, selectors, value=1):
    """One promql_expr_test: at `minute`, `expr` returns exactly `selectors`, each `value`."""
    samples = "".join(
        "\n      - labels: '%s'\n        value: %s" % (selector, value) for selector in selectors
    )
    return "  - expr: '%s'\n    eval_time: %dm\n    exp_samples:%s\n" % (
        expr,
        minute,
        samples or " []",
    )


def run(rule_files, input_series, expr_tests):
    """None if promtool passes the test, else its report. input_series: (selector,
    promtool values notation) pairs, one sample per minute."""
    promtool = shutil.which("promtool")
    if promtool is None:
        return "promtool is not installed (Debian package prometheus)"
    text = "rule_files:\n%s\nevaluation_interval: 1m\ntests:\n- interval: 1m\n" % "".join(
        "  - %s\n" % path for path in rule_files
    )
    text += "  input_series:\n" + "".join(
        "  - series: '%s'\n    values: '%s'\n" % pair for pair in input_series
    )
    text += "  promql_expr_test:\n" + "".join(expr_tests)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "lab.test.yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        proc = subprocess.run(
            [promtool, "test", "rules", path], capture_output=True, text=True, timeout=600
        )
    return None if proc.returncode == 0 else proc.stdout + proc.stderr
