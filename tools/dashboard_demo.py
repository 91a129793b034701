"""The demo server the browser checks drive: started on a free port from a chainledger binary,
signed into through one-time links, stopped at the end. Used by tools/dashboard-check and
tools/accessibility-check.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENSHOTS = os.path.join(ROOT, "screenshots")
MESSAGES = os.path.join(ROOT, "Sources", "ChainPresentation", "Resources", "Messages")
LANGUAGES = ["nl", "en"]

# (page, name, message keys whose text (before any {placeholder}) the page must show, literal texts)
PAGES = [
    ("/", "overview", ["overview_title", "kpi_tree_of", "method_health"],
     ["Van de straat naar een duurzaam thuis", "Gemeente Heuvelstad"]),
    ("/chains/street-to-home", "chain", ["chain_title", "steps_and_handovers", "col_trend"],
     ["Mediaan aantal dagen van intake tot eigen woning"]),
    ("/kpis/median-days-to-home", "kpi", ["every_value", "trend_table"], []),
    ("/kpis/intake-14d", "kpi-corrected", ["every_value", "corrected"], []),
    ("/responsibilities", "responsibilities", ["responsibilities_title", "members_and_roles"], []),
    ("/agreements", "agreements", ["agreements_title"], ["Woningen Wonen Eerst 2025–2027", "homes-offered"]),
    ("/decisions", "decisions", ["decisions_title"], ["Met het verhuurteam van Hoeksteen twee extra woningen"]),
    ("/audit/hf-2025-10-extra-homes", "audit", ["audit_title", "audit_agenda", "audit_reds_not_discussed"], []),
    ("/chains/street-to-home/brief?as_of=2026-03-14", "brief", ["brief_title", "brief_changes", "brief_participants"], []),
    ("/?as_of=20", "overview-as-of-20", ["overview_title", "asof_choose"], ["20"]),
]


def with_language(page, language):
    return page + ("&" if "?" in page else "?") + "lang=" + language


def catalogue(language):
    with open(os.path.join(MESSAGES, language + ".json"), encoding="utf-8") as file:
        return json.load(file)


def chainledger_binary(arguments):
    """--no-build: $CHAINLEDGER or the debug build; otherwise `swift build` first."""
    if "--no-build" in arguments:
        return os.environ.get("CHAINLEDGER") or os.path.join(ROOT, ".build", "debug", "chainledger")
    subprocess.run(["swift", "build", "--product", "chainledger"], cwd=ROOT, check=True)
    return subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip() + "/chainledger"


def browser():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("no Chromium found: apt-get install chromium")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Demo:
    def __init__(self, base, token, work):
        self.base = base
        self.token = token
        self.work = work

    def signed_in(self, page):
        """A one-time sign-in link for one browser visit: the token itself never goes in an address."""
        request = urllib.request.Request(
            self.base + "/api/login-links", method="POST", headers={"Authorization": "Bearer " + self.token})
        link = json.load(urllib.request.urlopen(request, timeout=10))["link"]
        return f"{self.base}{link}&next={urllib.parse.quote(page, safe='')}"


@contextlib.contextmanager
def running_demo(binary):
    work = tempfile.mkdtemp(prefix="chainledger-dashboard-")
    port = free_port()
    server = subprocess.Popen([binary, "demo", "--folder", os.path.join(work, "demo"), "--port", str(port)],
                              stderr=subprocess.PIPE, text=True)
    try:
        token = None
        deadline = time.time() + 120
        while token is None and time.time() < deadline:
            line = server.stderr.readline()
            match = re.search(r"API token \(coordinator [^)]*\): (\S+)", line)
            if match:
                token = match.group(1)
        if token is None:
            sys.exit("the demo did not print a token")
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                urllib.request.urlopen(base + "/health", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    sys.exit("the demo server did not start")
                time.sleep(0.2)
        yield Demo(base, token, work)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(work, ignore_errors=True)
