"""The store: the only code that writes SQL for core tables, and the one place database errors become egov errors.

:class:`Database` owns the engine and hands out connections (``read()``, ``write()``, ``maintenance()``);
:func:`translate_error` and :data:`DRIVER_ERRORS` let the API's one error boundary translate a driver
error that escaped anyway, without importing the driver.
"""

from egov_core.storage.errors import DRIVER_ERRORS, is_unavailable, translate_error, translate_errors
from egov_core.store.database import Database

__all__ = ["DRIVER_ERRORS", "Database", "is_unavailable", "translate_error", "translate_errors"]
