"""Operations tasks: the compose secrets file and database backup / restore.

Typical use::

    write_env_file("compose/.env")                       # settings + secrets/ (random, private, kept)
    info = backup(database_url, "egov-2026-11-28.dump")  # pg_dump -Fc with the matching client version
    restore(other_url, info.path)                        # pg_restore, one transaction
"""

from egov_core.ops.backup import BackupInfo, backup, libpq_env, restore, server_version
from egov_core.ops.envfile import ENV_DEFAULTS, SECRET_NAMES, generate_secret, secrets_dir_for, write_env_file
from egov_core.ops.pgtools import PgTools, available_pg_tools, find_pg_tools

__all__ = [
    "ENV_DEFAULTS",
    "SECRET_NAMES",
    "BackupInfo",
    "PgTools",
    "available_pg_tools",
    "backup",
    "find_pg_tools",
    "generate_secret",
    "libpq_env",
    "restore",
    "secrets_dir_for",
    "server_version",
    "write_env_file",
]
