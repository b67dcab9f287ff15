#!/usr/bin/env python3
"""Prints a one-line summary of a checkov JSON report (and every failed check); exits 1 if any failed."""
import json
import sys

data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
passed = sum(r["summary"]["passed"] for r in reports)
failed = [c for r in reports for c in r["results"].get("failed_checks", [])]
skipped = [c for r in reports for c in r["results"].get("skipped_checks", [])]
for c in failed:
    print(f'  FAILED {c["check_id"]} {c["check_name"]} on {c["resource"]} ({c["file_path"]})', file=sys.stderr)
skip_ids = sorted({f'{c["check_id"]}: {c.get("check_result", {}).get("suppress_comment", "")}' for c in skipped})
print(f"passed={passed} failed={len(failed)} skipped={len(skipped)} [" + "; ".join(skip_ids) + "]")
sys.exit(1 if failed or not reports else 0)
