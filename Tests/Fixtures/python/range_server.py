"""A static file server with HTTP Range support, for imjoy-run's remote-input tests and bench.

Python's http.server answers every GET with the whole file; this one honours `Range: bytes=A-B`
and suffix ranges `bytes=-N` (206 + Content-Range), `If-Match`, sends ETag/Last-Modified, and can misbehave on purpose:

    python3 range_server.py ROOT [--fail-every N] [--log FILE]

--fail-every N   every N-th request is answered 503 (N=2: every other request; N=1: all)
--fail-first K   the first K requests for each path and range are answered 503 (a client that
                 retries K times always gets through: deterministic under any concurrency)
--log FILE       one line per request: "METHOD PATH RANGE STATUS"
--stall TEXT     requests whose path contains TEXT get no answer for 120 s (timeouts)

Prints the port it listens on (127.0.0.1, a free port) on the first line of stdout, then serves
until killed.
"""

import argparse
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--log")
    parser.add_argument("--stall")
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    root = os.path.realpath(args.root)
    lock = threading.Lock()
    counter = [0]
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # TCP_NODELAY, as production servers set it: http.server writes the headers and the body
        # in two sends, and with Nagle the second waits for the client's delayed ACK (40 ms a request).
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def record(self, status):
            if args.log:
                with lock, open(args.log, "a") as log:
                    log.write(f"{self.command} {self.path} {self.headers.get('Range', '-')} {status}\n")

        def finish_with(self, status, body=b"", headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.record(status)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            with lock:
                counter[0] += 1
                failing = args.fail_every and counter[0] % args.fail_every == 0
                resource = (self.path, self.headers.get("Range"))
                seen[resource] = seen.get(resource, 0) + 1
                failing = failing or seen[resource] <= args.fail_first
            if failing:
                return self.finish_with(503, b"try again")
            if args.stall and args.stall in self.path:
                time.sleep(120)
                return self.finish_with(504, b"stalled")
            path = os.path.realpath(os.path.join(root, unquote(urlsplit(self.path).path).lstrip("/")))
            if not path.startswith(root) or not os.path.isfile(path):
                return self.finish_with(404, b"not found")
            info = os.stat(path)
            etag = f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
            if self.headers.get("If-Match") not in (None, "*", etag):
                return self.finish_with(412, b"precondition failed")
            with open(path, "rb") as f:
                data = f.read()
            common = [("ETag", etag), ("Accept-Ranges", "bytes"), ("Last-Modified", self.date_time_string(int(info.st_mtime)))]
            spec = self.headers.get("Range")
            if not spec or not spec.startswith("bytes="):
                return self.finish_with(200, data, common)
            first, _, last = spec[6:].partition("-")
            if first:
                start = int(first)
                end = min(int(last), len(data) - 1) if last else len(data) - 1
            else:  # the last N bytes (all of them when the file is shorter)
                start, end = max(0, len(data) - int(last)), len(data) - 1
                if not data:
                    return self.finish_with(416, b"", [("Content-Range", "bytes */0")])
            if start >= len(data):
                return self.finish_with(416, b"", [("Content-Range", f"bytes */{len(data)}")])
            headers = common + [("Content-Range", f"bytes {start}-{end}/{len(data)}")]
            self.finish_with(206, data[start : end + 1], headers)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
