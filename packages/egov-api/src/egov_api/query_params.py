"""Refusing query parameters a /v1 route does not take (``?abbreviation=`` for ``?abbrev=``).

FastAPI ignores unknown query parameters, so a misspelt filter silently returns everything. One app-wide
dependency compares the request's query keys with the names the matched route declares (its own and its
sub-dependencies', by alias) and answers 400 ``unknown-parameter`` naming the parameter and the accepted
ones. Only ``/v1`` routes are checked: the e-Gov-compatible surfaces follow e-Gov's own rules.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from egov_api.problems import ParameterError

#: Route path prefix whose routes refuse unknown query parameters.
CHECKED_PREFIX = "/v1/"

# The accepted names are computed once per route and kept on it: routes define ``__eq__`` (unhashable) and
# live exactly as long as their app, so a dict keyed by them or by ``id()`` would be wrong or leak.
_ATTR = "_egov_query_names"


class UnknownParameterError(ParameterError):
    """A query parameter the route does not take; ``accepted`` lists the ones it does."""

    def __init__(self, parameter: str, accepted: tuple[str, ...]) -> None:
        shown = ", ".join(accepted) if accepted else "none"
        super().__init__(
            parameter, f"unknown query parameter {parameter!r}; accepted: {shown}", code="unknown-parameter"
        )
        self.accepted = list(accepted)


def accepted_query_names(route: APIRoute) -> tuple[str, ...]:
    """The query parameter names ``route`` declares (aliases, in declaration order)."""
    names: tuple[str, ...] | None = getattr(route, _ATTR, None)
    if names is None:
        names = tuple(dict.fromkeys(_query_aliases(route.dependant)))
        setattr(route, _ATTR, names)
    return names


def _query_aliases(dependant: Dependant) -> list[str]:
    # Walked by hand over the public fields: fastapi's own flattening helpers are private and renamed often.
    names = [field.alias for field in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_aliases(sub)
    return names


async def reject_unknown_query(request: Request) -> None:
    """Dependency: 400 ``unknown-parameter`` when a /v1 request carries a query key its route does not take."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    # The request's path, not route.path: a route's own path lacks the prefixes of the routers including it.
    if not isinstance(route, APIRoute) or not request.url.path.startswith(CHECKED_PREFIX):
        return
    accepted = accepted_query_names(route)
    for key in request.query_params:
        if key not in accepted:
            raise UnknownParameterError(key, accepted)
