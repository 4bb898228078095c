"""The network between the kiosk browser and dwelld, as a test can break it: a stdlib reverse proxy
that passes every request to the real daemon unchanged (no domain logic: it does not read or
answer the API) and can drop the live stream or go away altogether.

    link = LinkProxy("http://127.0.0.1:8470").start()   # the browser opens link.url
    link.stream_down = True    # GET /api/v1/stream answers 503 and open streams are cut
    link.offline = True        # every request is dropped unanswered and open streams are cut
    link.stream_down = link.offline = False   # the link is back

The page then sees what a kiosk sees when dwelld's stream or dwelld itself is gone. `Host` and a
same-origin `Origin` are rewritten to the daemon's, as a browser that loaded the page from the
daemon would send them (dwelld refuses foreign hosts and origins).
"""

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


class LinkProxy:
    def __init__(self, upstream):
        parts = urllib.parse.urlsplit(upstream)
        self.upstream_host, self.upstream_port = parts.hostname, parts.port or 80
        self.upstream_authority = parts.netloc
        self.offline = False
        self.stream_down = False
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, name="link-proxy", daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def cut(self, path):
        """Whether a request for `path` (or its open stream) must be cut now."""
        return self.offline or (self.stream_down and path.startswith("/api/v1/stream"))

    def _handler(self):
        link = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the test prints what matters
                pass

            def do_GET(self):
                self.forward()

            def do_POST(self):
                self.forward()

            def forward(self):
                if link.offline:  # the server is gone: no answer at all
                    self.close_connection = True
                    return
                if link.cut(self.path):
                    return self.refuse()
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers["Host"] = link.upstream_authority
                if headers.get("Origin") == link.url:
                    headers["Origin"] = "http://" + link.upstream_authority
                upstream = http.client.HTTPConnection(link.upstream_host, link.upstream_port, timeout=30)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    res = upstream.getresponse()
                    self.send_response(res.status, res.reason)
                    for k, v in res.getheaders():
                        if k.lower() not in HOP_BY_HOP:
                            self.send_header(k, v)
                    if res.getheader("Content-Length") is not None:
                        self.end_headers()
                        self.wfile.write(res.read())
                    else:  # a stream: passed on as it comes, until it ends or the link is cut
                        self.send_header("Connection", "close")
                        self.end_headers()
                        self.close_connection = True
                        while not link.cut(self.path):
                            chunk = res.read1(65536)
                            if not chunk:
                                break
                            self.wfile.write(chunk)
                            self.wfile.flush()
                except OSError:
                    self.close_connection = True
                finally:
                    upstream.close()

            def refuse(self):
                text = b'{"title":"Stream unavailable","status":503,"detail":"cut by the test\'s link proxy"}'
                self.send_response(503)
                self.send_header("Content-Type", "application/problem+json")
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

        return Handler
