"""moto's responses reached without Flask's dispatch, for services that answer at `/` alone.

moto's server makes a Flask app per service and routes each request through it: a request
context, URL matching, the CORS and session hooks, then the view, which calls the service's
`dispatch` with moto's request. EC2, RDS (Neptune), ElastiCache, STS, IAM, KMS and Lightsail
take every request at `/`, so that dispatch is the same call each time, and Flask's share of a
request (about 0.2 ms of 1.5 in a fleet of creates) buys nothing. Those requests go to the view's
callback directly, as moto's view would send them; any other (S3's paths, moto's own API) goes
through Flask as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["DirectDispatch"]

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

_NOT_DIRECT = object()


class DirectDispatch:
    """A WSGI app in front of moto's `DomainDispatcherApplication` (`dispatcher`)."""

    def __init__(self, dispatcher: Any) -> None:
        self.dispatcher = dispatcher
        # Keyed by the app itself, not its id: an id may be reused once its app is gone.
        self._callbacks: dict[Any, Any] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        # moto picks the service's app (by host, signature scope or body) and keeps one per
        # service: it is the key of the service's callback here.
        app: WsgiApp = self.dispatcher.get_application(environ)
        callback = self._callback(app) if environ.get("PATH_INFO") == "/" else None
        if callback is None:
            return app(environ, start_response)
        return self._dispatch(callback, app, environ, start_response)

    def _callback(self, app: Any) -> Any:
        found = self._callbacks.get(app, _NOT_DIRECT)
        if found is _NOT_DIRECT:
            rules = list(app.url_map.iter_rules())
            found = None
            if len(rules) == 1 and rules[0].rule == "/":
                # moto's view (`convert_to_flask_response`) around the service's dispatch.
                found = getattr(app.view_functions.get(rules[0].endpoint), "callback", None)
            self._callbacks[app] = found
        return found

    @staticmethod
    def _dispatch(
        callback: Any, app: Any, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        from botocore.exceptions import ClientError
        from moto.moto_api import recorder

        # What moto's view does with Flask's request, without Flask around it.
        request = app.request_class(environ)
        recorder._record_request(request)
        try:
            result = callback(request, request.raw_url, dict(request.headers))
        except ClientError as exc:
            result = 400, {}, exc.response["Error"]["Message"]
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        response = app.response_class(response=content, status=status, headers=headers)
        if request.method == "HEAD" and "content-length" in headers:
            response.headers["Content-Length"] = headers["content-length"]
        iterable: Iterable[bytes] = response(environ, start_response)
        return iterable
