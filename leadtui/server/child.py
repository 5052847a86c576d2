"""The TUI of one served SSH session: `python -m leadtui.server.child`, started only by the server (session.py).

The server passes the database URL, the user's id and the language in LEADTUI_SERVED_* variables of an
environment it builds itself (nothing the SSH client sends reaches it). LEADTUI_USER and --user play no part.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    db_url = os.environ.pop("LEADTUI_SERVED_DATABASE_URL", "")
    user_id = os.environ.pop("LEADTUI_SERVED_USER_ID", "")
    lang = os.environ.pop("LEADTUI_SERVED_LANG", "") or None
    os.environ.pop("LEADTUI_USER", None)
    os.environ.pop("LEADTUI_DATABASE_URL", None)
    if not db_url or not user_id.isdigit():
        print("leadtui: this program is started by `leadtui serve ssh` only", file=sys.stderr)
        return 1
    from leadtui.app import LeadApp

    app = LeadApp(db_url=db_url, lang=lang, served_user_id=int(user_id))
    app.run()
    if app.exit_message:
        print(app.exit_message, file=sys.stderr)
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
