"""Small HTTP servers the tests start on 127.0.0.1 (a free port each), answering from a table
of routes: path -> (status, headers, body) or a callable(handler) for anything unusual."""

import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The fetcher hangs up on purpose (its deadline, its size limit) while a handler still
        # writes: that is the behaviour under test, not a server error worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LocalServer:
    """A running server; `url(path)` its address; `hits` the paths asked for, in order;
    `release` is set when the server stops (handlers that stall wait on it)."""

    def __init__(self, routes: dict):
        self.routes = routes
        self.hits: list[tuple[str, str, str]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                server.hits.append((self.command, self.path, self.headers.get("Host", "")))
                route = server.routes.get(self.path.split("?")[0])
                if route is None:
                    route = (404, {"Content-Type": "text/html"}, b"<html>none</html>")
                if callable(route):
                    route(self, server)
                    return
                status, headers, body = route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = do_POST = _answer

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@contextmanager
def local_server(routes: dict):
    server = LocalServer(routes)
    server.thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.httpd.shutdown()
        server.httpd.server_close()


def html(body: str, *, charset: str = "utf-8", status: int = 200, headers=None):
    """A route answering an HTML page."""
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    return (
        status,
        {"Content-Type": content_type, **(headers or {})},
        body.encode(charset or "utf-8"),
    )


def redirect(location: str, status: int = 302):
    return (status, {"Location": location}, b"")


def stall(handler, server):
    """Send nothing until the server stops: the client must give up on its own."""
    server.release.wait(30)


WECHAT_ARTICLE = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title></title>
<meta property="og:title" content="云原生网关的演进：从 Ingress 到 Gateway API">
<meta property="og:description" content="本文主要介绍了 Gateway API 的设计与落地实践。">
<meta property="og:site_name" content="云计算技术动态">
<meta property="og:type" content="article">
<meta property="og:url" content="http://mp.weixin.qq.com/s/AbCdEf">
<meta name="author" content="编辑部">
<meta property="article:published_time" content="2024-08-05T10:00:00+08:00">
</head><body id="activity-detail">
<div id="img-content">
<h1 class="rich_media_title" id="activity-name">云原生网关的演进：从 Ingress 到 Gateway API</h1>
<div id="meta_content"><span id="publish_time">2024-08-05</span></div>
<div class="rich_media_content" id="js_content">
<p>Kubernetes 的 Ingress 资源长期以来承担着集群入口流量的管理职责，但它的表达能力有限。</p>
<p>Gateway API 将网关的职责拆分为 GatewayClass、Gateway 与 HTTPRoute 等多个资源，
让平台团队与应用团队各司其职，并在多家实现之间保持一致的语义。</p>
<p>本文结合实际迁移经验，介绍了从 Ingress 迁移到 Gateway API 时需要注意的兼容性问题与灰度策略。</p>
</div></div>
<script>var msg_title = "云原生网关的演进";
var msg_desc = "本文主要介绍了 Gateway API 的设计与落地实践。";</script>
</body></html>"""
