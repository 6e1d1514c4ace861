"""`showrunner studio`: a local web app and JSON API over the project (see app.py)."""

from __future__ import annotations

import os
from pathlib import Path

from showrunner.studio.security import TOKEN_ENV, allowed_hosts, check_binding


def serve(root: Path, host: str = "127.0.0.1", port: int = 8787, token: str | None = None,
          cores: int | None = None, configfiles: list[str] | None = None) -> None:
    import uvicorn

    from showrunner.studio.app import create_app

    token = token or os.environ.get(TOKEN_ENV) or None
    check_binding(host, token)
    app = create_app(Path(root), token=token, hosts=allowed_hosts(host, port), cores=cores,
                     configfiles=configfiles)
    uvicorn.run(app, host=host, port=port, log_level="warning")
