"""Issue 10, done-when 4: Schemathesis with every check over the JSON API (`/api/v1/…`) finds nothing.

The schema is fetched from the served app as a client would, and Schemathesis' own runner (the same as
`schemathesis run --checks all`) drives every phase against a server on loopback holding the demo data.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.demo import load_demo
from app.main import create_app
from app.settings import Settings
from tests.browser import serve

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Schemathesis' own time budget for the run (the subprocess is killed a minute after it)
BUDGET_SECONDS = int(os.environ.get("SCHEMATHESIS_SECONDS", "90"))


def test_schemathesis_finds_nothing_in_the_open_data_api(db_url: str, engine, tmp_path: Path) -> None:
    load_demo(engine=engine)
    settings = Settings(database_url=db_url, scheduler_enabled=False, passerelle_env="test",
                        upload_dir=tmp_path / "uploads")
    with serve(create_app(settings)) as base_url:
        run = subprocess.run(
            [str(SCHEMATHESIS), "run", f"{base_url}/schema/openapi.json", "--checks", "all", "--mode", "all",
             "--phases", "examples,coverage,fuzzing,stateful", "--max-examples", "60",
             "--seed", os.environ.get("SCHEMATHESIS_SEED", "10"),
             "--max-time", str(BUDGET_SECONDS), "--request-timeout", "10", "--workers", "1",
             "--suppress-health-check", "too_slow", "--no-color"],
            capture_output=True, text=True, timeout=BUDGET_SECONDS + 60, cwd=tmp_path)
    (tmp_path / "schemathesis.txt").write_text(run.stdout + run.stderr)
    print(run.stdout[-20000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Tested: 8" in run.stdout, "every operation of the JSON API was exercised"
