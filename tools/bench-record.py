#!/usr/bin/env python3
"""Records what one `tools/bench` run printed: its section of BENCHMARKS.md (the command, the
date, the machine, the output as printed) and the README's headline table, which collects the
`headline:` lines of every section. Called by tools/bench; figures are never copied by hand."""
import argparse
import os
import platform
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = os.path.join(ROOT, "BENCHMARKS.md")
README = os.path.join(ROOT, "README.md")

# Sections in the order BENCHMARKS.md shows them: key, title, how a run's arguments select it.
SECTIONS = [
    ("core", "Ledger core", lambda a: True),
    ("chain", "Chain domain", lambda a: "--domain" in a),
    ("projections", "Projections", lambda a: "--projections" in a),
    ("server", "Server", lambda a: "--server" in a),
    ("postgres", "PostgreSQL", lambda a: "--postgres" in a),
    ("replica", "Replica", lambda a: "--replica" in a),
    ("witness", "Witness", lambda a: "--witness" in a),
    ("peer", "Against a peer", lambda a: "--peer" in a),
    ("micro", "Micro-benchmarks", lambda a: "micro" in " ".join(a)),
]

HEADER = """# Benchmarks

What `tools/bench` printed, section by section: each run replaces its own section, with the
command, the date and the machine it ran on. This file is written by `tools/bench`, never by
hand; the README's headline table is collected from the `headline:` lines below.
"""


def section_of(arguments):
    for key, title, selects in reversed(SECTIONS):
        if selects(arguments):
            return key, title
    return SECTIONS[0][:2]


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            kib = int(info.readline().split()[1])
            memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        swift = "swift unknown"
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, {swift}"


def read_sections(text):
    found = {}
    for match in re.finditer(r"<!-- bench:(\w+) -->\n(.*?)<!-- /bench:\1 -->\n", text, re.S):
        found[match.group(1)] = match.group(2)
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--output", required=True)
    parser.add_argument("--started", required=True)
    parser.add_argument("arguments", nargs="*")
    options = parser.parse_args()
    with open(options.output) as printed:
        output = printed.read()
    key, title = section_of(options.arguments)
    command = " ".join(["tools/bench"] + options.arguments)
    body = (f"## {title}\n\n`{command}`, {options.started}, on {machine()}.\n\n"
            f"```text\n{output.rstrip()}\n```\n\n")

    sections = read_sections(open(BENCHMARKS).read()) if os.path.exists(BENCHMARKS) else {}
    sections[key] = body
    with open(BENCHMARKS, "w") as out:
        out.write(HEADER + "\n")
        for name, _, _ in SECTIONS:
            if name in sections:
                out.write(f"<!-- bench:{name} -->\n{sections[name]}<!-- /bench:{name} -->\n")

    rows = []
    for name, heading, _ in SECTIONS:
        for line in sections.get(name, "").splitlines():
            if line.startswith("headline: "):
                figure, value, goal = (part.strip() for part in line[len("headline: "):].split("|"))
                rows.append(f"| {heading}: {figure} | {value} | {goal} |")
    table = ("| figure | measured | goal |\n| --- | --- | --- |\n" + "\n".join(rows) + "\n") if rows else ""
    readme = open(README).read()
    start, end = "<!-- bench:headlines -->\n", "<!-- /bench:headlines -->\n"
    if start in readme and end in readme:
        before, rest = readme.split(start, 1)
        _, after = rest.split(end, 1)
        with open(README, "w") as out:
            out.write(before + start + table + end + after)
    print(f"recorded in BENCHMARKS.md ({title}) and the README's headline table")


if __name__ == "__main__":
    main()
