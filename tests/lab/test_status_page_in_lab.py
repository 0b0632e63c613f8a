"""The status page at "/" in a real browser: Debian's chromium, headless, in the lab's
namespace, loads the page replwatch serves about the lab, as a user would open it.

A healthy lab: every job is listed as ok with its RPO and last sync, and nothing holds.
During a fault (100-0's replication snapshot deleted on its target, then a run): the job
turns failing, and "What holds now" names it with the link to ReplwatchJobFailing's runbook
section. A screenshot of each is kept as a test artifact (build/test-artifacts/, or
$REPLWATCH_ARTIFACTS)."""
import html.parser
import os
import shutil
import subprocess
import tempfile

from labhelper import REPO
from replwatch_run import PORT, ReplwatchLabCase

ARTIFACTS = os.environ.get("REPLWATCH_ARTIFACTS", os.path.join(REPO, "build", "test-artifacts"))
JOBS = ("100-0", "101-0", "102-0")
RUNBOOK = "https://github.com/replwatch/replwatch/blob/main/docs/runbook.md#"


class Page(html.parser.HTMLParser):
    """What the browser's DOM shows: each job row's cells, the findings with their links,
    and whether the "nothing holds" line is there."""

    def __init__(self, dom):
        super().__init__()
        self.jobs, self.findings, self.nothing = {}, [], False
        self._row, self._item, self._text = None, None, None
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-job" in attrs:
            self._row = self.jobs.setdefault(attrs["data-job"], [])
        elif tag == "td" and self._row is not None:
            self._text = []
        elif tag == "li":
            self._item = {"text": [], "links": []}
            self._text = self._item["text"]
        elif tag == "a" and self._item is not None:
            self._item["links"].append(attrs.get("href", ""))
        elif tag == "p" and attrs.get("id") == "nothing":
            self.nothing = True

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None and self._text is not None:
            self._row.append(" ".join("".join(self._text).split()))
            self._text = None
        elif tag == "tr":
            self._row = None
        elif tag == "li" and self._item is not None:
            self._item["text"] = " ".join("".join(self._item["text"]).split())
            self.findings.append(self._item)
            self._item, self._text = None, None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


class StatusPageInLab(ReplwatchLabCase):
    NAME = "rwpage"
    NODES, GUESTS = 3, 1

    @classmethod
    def setUpClass(cls):
        if shutil.which("chromium") is None:
            raise AssertionError("chromium is not installed (scripts/install-deps.sh chromium)")
        super().setUpClass()

    def browser(self, *args):
        """chromium, headless, inside the lab namespace, on replwatch's "/"."""
        with tempfile.TemporaryDirectory() as profile:
            proc = subprocess.run(
                ["ip", "netns", "exec", self.daemon.netns, "chromium", "--headless=new"]
                + ["--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile]
                + list(args)
                + ["http://198.18.0.1:%d/" % PORT],
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertEqual(proc.returncode, 0, proc.stderr[-2000:])
        return proc.stdout

    def page_until(self, what, predicate):
        """The first page load whose DOM satisfies predicate(Page), within the collection
        rounds a lab wait allows; fails naming `what` with the last page's text."""
        last = {}

        def check():
            last["page"] = Page(self.browser("--dump-dom"))
            return predicate(last["page"])

        if not self.daemon.wait_for(check, timeout=60):
            page = last["page"]
            self.fail(
                "%s: not on the page\njobs: %s\nfindings: %s\n%s"
                % (what, page.jobs, [f["text"] for f in page.findings], self.daemon.log_tail())
            )
        return last["page"]

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, "status-page-%s.png" % name)
        if os.path.exists(path):
            os.unlink(path)
        self.browser("--screenshot=" + path, "--window-size=1400,1200")
        with open(path, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", path)

    @staticmethod
    def state(page, job):
        return page.jobs[job][3].split(" ")[0] if job in page.jobs else None

    def test_healthy_then_failing_job(self):
        healthy = self.page_until(
            "every job ok and nothing holding",
            lambda p: p.nothing and all(self.state(p, job) == "ok" for job in JOBS),
        )
        for job in JOBS:
            cells = healthy.jobs[job]
            self.assertRegex(cells[5], r"^\d+ (s|min) of \d+ min allowed$", job)  # RPO
            self.assertRegex(cells[6], r"^\d+ (s|min) ago$", job)  # last sync
            self.assertIn("volume(s) intact", cells[7], job)
        self.screenshot("healthy")

        self.lab("fault", "delete-snapshot", "100-0", "target")
        self.lab("tick", "--minutes", "16")

        def failing_named(page):
            return self.state(page, "100-0") == "failing" and any(
                "job 100-0" in f["text"] and RUNBOOK + "replwatchjobfailing" in f["links"]
                for f in page.findings
            )

        failing = self.page_until("100-0 failing, with its runbook link", failing_named)
        self.assertFalse(failing.nothing)
        self.assertEqual(self.state(failing, "101-0"), "ok")
        # The job's state line (its volume may have a CRITICAL line of its own, once the
        # chain's verdict is known).
        (finding,) = [
            f
            for f in failing.findings
            if f["text"].startswith("CRITICAL job 100-0 (pve1 -> pve2): failing")
        ]
        self.assertIn("No common base snapshot", finding["text"])
        self.screenshot("job-failing")
