"""``python -m egov_core.ops`` — the ops tasks without the web stack (the ``egov`` command wraps the same).

python -m egov_core.ops init-env compose/.env [--force]
python -m egov_core.ops backup  DATABASE_URL OUT.dump
python -m egov_core.ops restore DATABASE_URL IN.dump [--clean]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from egov_core.errors import OpsError
from egov_core.ops.backup import backup, restore
from egov_core.ops.envfile import secrets_dir_for, write_env_file


def main(argv: Sequence[str] | None = None) -> int:
    """Run one task; print what happened (never a secret) and return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m egov_core.ops", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="task", required=True)
    p = sub.add_parser("init-env", help="write a .env and secrets/ with random secrets (never overwrites)")
    p.add_argument("path")
    p.add_argument("--force", action="store_true", help="replace an existing file (rotates every secret)")
    p = sub.add_parser("backup", help="pg_dump -Fc the database to a file")
    p.add_argument("database_url")
    p.add_argument("out")
    p = sub.add_parser("restore", help="pg_restore a file into the database, in one transaction")
    p.add_argument("database_url")
    p.add_argument("input")
    p.add_argument("--clean", action="store_true", help="drop existing objects first")
    args = parser.parse_args(argv)
    try:
        if args.task == "init-env":
            names = write_env_file(args.path, overwrite=args.force)
            print(f"wrote {args.path} (mode 0600) and {secrets_dir_for(args.path)}/ with new {', '.join(names)}")
        elif args.task == "backup":
            info = backup(args.database_url, args.out)
            print(f"wrote {info.path} ({info.size_bytes} bytes, PostgreSQL {info.server_version}, {info.tools.bindir})")
        else:
            restore(args.database_url, args.input, clean=args.clean)
            print(f"restored {args.input}")
    except OpsError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
