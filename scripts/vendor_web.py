"""Copy the dashboard's third-party files from the npm registry into the package.

    python scripts/vendor_web.py

Each package is fetched with `npm pack` at a pinned version, its tarball checked against the
pinned sha512 integrity, and the listed files copied to src/eventwire/web/static/vendor/NAME/
with the package's licence. The copied files are committed, so installing eventwire needs
neither npm nor a network; run this again only to change a version (and update the pins).
"""
from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "eventwire" / "web" / "static" / "vendor"

# name, version, sha512 integrity of the tarball, files to copy (paths inside the package)
PACKAGES = [
    ("world-atlas", "2.0.2",
     "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
     ["countries-110m.json", "LICENSE"]),
    ("topojson-client", "3.1.0",
     "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
     ["dist/topojson-client.min.js", "LICENSE"]),
]

NOTICE = """# Vendored files

Copied from the npm registry by `scripts/vendor_web.py` (do not edit by hand):

| package | version | files | licence |
| --- | --- | --- | --- |
{rows}

world-atlas redistributes Natural Earth's 1:110m country boundaries (public domain) as TopoJSON;
topojson-client decodes it in the browser. Each folder holds the package's LICENSE file.
"""


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def main() -> int:
    npm = shutil.which("npm")
    if npm is None:
        print("vendor_web: npm is needed to fetch the packages", file=sys.stderr)
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, version, pinned, wanted in PACKAGES:
            out = subprocess.run([npm, "pack", f"{name}@{version}", "--json", "--pack-destination", tmp],
                                 check=True, capture_output=True, text=True, cwd=tmp).stdout
            tarball = Path(tmp) / json.loads(out)[0]["filename"]
            found = integrity(tarball)
            if found != pinned:
                print(f"vendor_web: {name}@{version}: integrity {found} is not the pinned {pinned}", file=sys.stderr)
                return 1
            unpacked = Path(tmp) / name
            with tarfile.open(tarball) as tar:
                tar.extractall(unpacked, filter="data")
            meta = json.loads((unpacked / "package" / "package.json").read_text(encoding="utf-8"))
            target = VENDOR / name
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            for rel in wanted:
                shutil.copyfile(unpacked / "package" / rel, target / Path(rel).name)
            rows.append(f"| {name} | {version} | {', '.join(Path(r).name for r in wanted)} | {meta.get('license')} |")
            print(f"vendor_web: {name}@{version} → {target.relative_to(ROOT)}")
    (VENDOR / "README.md").write_text(NOTICE.format(rows="\n".join(rows)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
