"""The first request a fresh process answers may be a signed-in visitor's (a restart under traffic)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from app.settings import PROJECT_ROOT


def test_a_signed_in_visitor_can_be_the_first_request_after_a_start(tmp_path):
    # app.sessions builds the visitor's User from the session's row as the ORM would, with no query before it;
    # before the app set up its ORM classes at creation, that failed (AttributeError, a 500) until some other
    # request or job had queried. A fresh interpreter, because this suite's own queries set them up long ago.
    script = textwrap.dedent("""
        from app.main import create_app
        create_app()
        from sqlalchemy.orm import make_transient_to_detached
        from app.sessions import USERS, _new_user
        user = _new_user()
        user.__dict__.update({column.name: None for column in USERS.c} | {"id": 1})
        make_transient_to_detached(user)
        print("detached", user.id)
    """)
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "SCHEDULER_ENABLED": "false"}
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith("detached 1")
