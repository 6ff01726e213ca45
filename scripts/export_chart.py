#!/usr/bin/env python3
"""Export one chart of a credsim report as a standalone SVG or PNG (for README pictures, slides).

    python3 scripts/export_chart.py REPORT.html CHART_ID OUT.svg
    python3 scripts/export_chart.py REPORT.html CHART_ID OUT.png

CHART_ID is shown by `credsim report ... --list` (and as the '#' link beside each chart title).
The report is opened in headless Chromium (Debian package 'chromium') at REPORT.html#chart=ID,
where the page draws that chart alone with its title and caption inside the picture; the SVG is
taken from the page, the PNG is a screenshot of it. Nothing is fetched from the network.
Environment: CREDSIM_CHROMIUM overrides the browser (default: chromium).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def chromium():
    exe = os.environ.get("CREDSIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("export_chart: chromium not found. Fix: apt-get install chromium "
                 "(listed in scripts/debian-packages.txt), or set CREDSIM_CHROMIUM.")
    return exe


def run(args, profile):
    base = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + profile]
    return subprocess.run(base + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)


def main():
    if len(sys.argv) != 4 or not sys.argv[3].endswith((".svg", ".png")):
        sys.exit(__doc__)
    report, chart, out = sys.argv[1:]
    if not os.path.isfile(report):
        sys.exit(f"export_chart: {report}: no such file. Fix: write it with credsim report RUN_DIR")
    url = "file://" + os.path.abspath(report) + "#chart=" + chart
    with tempfile.TemporaryDirectory(prefix="credsim-export-") as tmp:
        dom = run(["--window-size=1000,1000", "--virtual-time-budget=5000", "--dump-dom", url], tmp).stdout.decode()
        body = re.search(r"<body([^>]*)>", dom)
        if not body or 'data-render="ok"' not in body.group(1):
            errors = re.findall(r"<li>(.*?)</li>", dom)
            sys.exit(f"export_chart: the chart '{chart}' did not draw: {'; '.join(errors) or 'no answer from chromium'}."
                     " Fix: check the id with credsim report RUN_DIR --list")
        if out.endswith(".svg"):
            m = re.search(r'<svg[^>]*data-chart-id="' + re.escape(chart) + r'"[\s\S]*?</svg>', dom)
            if not m:
                sys.exit(f"export_chart: no SVG for chart '{chart}' in the page")
            svg = m.group(0).replace("&nbsp;", "&#160;")
            with open(out + ".partial", "w", encoding="utf-8") as f:
                f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n")
            os.replace(out + ".partial", out)
        else:
            w = re.search(r'data-width="(\d+)"', body.group(1)).group(1)
            h = re.search(r'data-height="(\d+)"', body.group(1)).group(1)
            shot = os.path.join(tmp, "chart.png")
            run([f"--window-size={w},{h}", "--virtual-time-budget=5000", "--screenshot=" + shot, url], tmp)
            if not os.path.isfile(shot):
                sys.exit("export_chart: chromium wrote no screenshot")
            shutil.copyfile(shot, out + ".partial")
            os.replace(out + ".partial", out)
    print(f"export_chart: {out} (chart {chart} of {report})")


if __name__ == "__main__":
    main()
