#!/usr/bin/env python3
"""serve_http.py: `qhall serve` over real HTTP (run by serve.sh).

Every page, wrong tokens, the rating form and its refusals, SSE with a
reconnect that gives Last-Event-ID, the security headers, the limits
(body, URL, headers, methods, connections per address, slow and idle
clients, random bytes).  Environment: QHALL_BIN, DB, NOW, T (a directory
of its own).  Prints one line per check and "N passed, M failed"."""

import http.client
import json
import os
import random
import resource
import socket
import ssl
import subprocess
import sys
import time

BIN, DB, NOW, T = (os.environ[k] for k in ("QHALL_BIN", "DB", "NOW", "T"))
PASS = FAIL = 0


def check(ok, what):
    global PASS, FAIL
    if ok:
        PASS += 1
    else:
        FAIL += 1
        print("FAIL: " + what, flush=True)


def q(*args, now=None):
    env = dict(os.environ, QHALL_NOW=now or NOW)
    r = subprocess.run([BIN, "--db", DB] + list(args), env=env, capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Server:
    def __init__(self, now=None, extra=(), tls=None):
        self.port = free_port()
        self.tls = tls   # an ssl.SSLContext that trusts the server's certificate
        self.base = "%s://127.0.0.1:%d" % ("https" if tls else "http", self.port)
        env = dict(os.environ, QHALL_NOW=now or NOW)
        self.log = open(os.path.join(T, "serve-%d.log" % self.port), "w")
        self.p = subprocess.Popen([BIN, "--db", DB, "serve", "--allow-root", "--listen",
                                   "127.0.0.1:%d" % self.port, "--base-url", self.base] +
                                  list(extra), env=env, stdout=self.log, stderr=self.log)
        for _ in range(100):
            try:
                if get(self, "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("FAIL: the server did not come up")

    def stop(self):
        self.p.terminate()
        try:
            return self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return -9


def conn(srv, timeout=5, source=None):
    if srv.tls:
        return http.client.HTTPSConnection("127.0.0.1", srv.port, timeout=timeout,
                                           context=srv.tls)
    return http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)


def get(srv, path, headers=None, method="GET", body=None):
    c = conn(srv)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace"), dict(r.getheaders())
    finally:
        c.close()


def post(srv, path, fields):
    body = "&".join(fields) if isinstance(fields, list) else fields
    return get(srv, path, {"Content-Type": "application/x-www-form-urlencoded"}, "POST",
               body.encode())


def issue(queue="A"):
    rc, out, err = q("issue", "--queue", queue, "--json")
    assert rc == 0, err
    return json.loads(out)


class SSE:
    """A reader of one event stream: messages as dicts of their fields."""

    def __init__(self, srv, path, last_id=None):
        self.s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        if srv.tls:
            self.s = srv.tls.wrap_socket(self.s, server_hostname="127.0.0.1")
        h = "GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" % path
        if last_id is not None:
            h += "Last-Event-ID: %s\r\n" % last_id
        self.s.sendall((h + "\r\n").encode())
        self.buf = b""
        head = self._until(b"\r\n\r\n")
        self.status = int(head.split(b" ")[1])
        self.headers = head.decode()

    def _until(self, sep):
        while sep not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        i = self.buf.index(sep)
        out, self.buf = self.buf[:i], self.buf[i + len(sep):]
        return out

    def _body(self):
        # Chunked transfer: undo it as the bytes arrive.
        out = b""
        while True:
            size = int(self._until(b"\r\n"), 16)
            chunk = self._need(size)
            self._until(b"\r\n")
            out += chunk
            if b"\n\n" in out or size == 0:
                return out

    def _need(self, n):
        while len(self.buf) < n:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    pending = b""

    def message(self, timeout=3.0):
        """The next message with an event (comments and retry skipped)."""
        self.s.settimeout(timeout)
        while True:
            while b"\n\n" not in self.pending:
                self.pending += self._body()
            raw, self.pending = self.pending.split(b"\n\n", 1)
            m = {"data": []}
            for line in raw.decode().split("\n"):
                if line.startswith(":") or not line:
                    continue
                k, _, v = line.partition(": ")
                if k == "data":
                    m["data"].append(v)
                else:
                    m[k] = v
            if "event" in m:
                m["data"] = "\n".join(m["data"])
                return m

    def close(self):
        self.s.close()


def tls_checks():
    """--tls-cert/--tls-key: the page, the stream and the QR's URL over
    HTTPS with a certificate the client verifies; bad files are refused
    with their path."""
    cert, key = os.path.join(T, "cert.pem"), os.path.join(T, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    rc, _, err = q("serve", "--allow-root", "--tls-cert", cert)
    check(rc == 2 and "--tls-key" in err, "--tls-cert without --tls-key: %d %s" % (rc, err))
    rc, _, err = q("serve", "--allow-root", "--tls-cert", cert, "--tls-key", T + "/none.pem")
    check(rc == 3 and "none.pem" in err, "a missing key file, by its path: %d %s" % (rc, err))
    junk = os.path.join(T, "junk.pem")
    with open(junk, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n")
    rc, _, err = q("serve", "--allow-root", "--listen", "127.0.0.1:%d" % free_port(),
                   "--tls-cert", junk, "--tls-key", key)
    check(rc == 3 and "证书或私钥无效" in err, "a certificate that is not one: %d %s" % (rc, err))

    ctx = ssl.create_default_context(cafile=cert)
    srv = Server(extra=["--tls-cert", cert, "--tls-key", key], tls=ctx)
    t = issue()
    check(t["url"].startswith("https://127.0.0.1:%d/t/" % srv.port), "the QR's URL is https: " + t["url"])
    st, body, h = get(srv, "/t/" + t["token"])
    check(st == 200 and 'id="number">%s<' % t["number"] in body, "https: the ticket page: %d" % st)
    check("no-referrer" == h.get("Referrer-Policy"), "https: the same headers")
    ev = SSE(srv, "/t/%s/events" % t["token"])
    check(ev.status == 200, "https: the stream: %d" % ev.status)
    q("cancel", t["number"])
    m = ev.message()
    while 'data-state="waiting"' in m["data"]:
        m = ev.message()
    check("已取消" in m["data"], "https: a change reaches the stream: " + m["data"][:300])
    ev.close()
    # Plain HTTP to the TLS port gets no page.
    plain = Server.__new__(Server)
    plain.port, plain.tls = srv.port, None
    try:
        st = get(plain, "/healthz")[0]
    except (OSError, http.client.HTTPException):
        st = 0
    check(st != 200, "plain HTTP to the https port: no page (%d)" % st)
    check(srv.stop() == 0, "https: a clean stop")
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    rc, _, err = q("serve", "--allow-root", "--listen", "127.0.0.1:%d" % taken.getsockname()[1])
    check(rc == 3 and "Address already in use" in err, "a port in use, said so: %d %s" % (rc, err))
    taken.close()


def main():
    resource.setrlimit(resource.RLIMIT_NOFILE, (8192, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    # ---- the command itself ----
    rc, _, err = q("serve", "--allow-root", "--base-url", "ftp://x")
    check(rc == 2 and "http" in err, "a bad --base-url is refused: %d %s" % (rc, err))
    if os.geteuid() == 0:
        rc, _, err = q("serve")
        check(rc == 2 and "root" in err, "serve refuses root: %d %s" % (rc, err))

    srv = Server()
    a1, a2 = issue(), issue()
    check(a2["url"] == srv.base + "/t/" + a2["token"], "issue --json gives the slip's URL")

    # ---- pages and headers ----
    st, body, h = get(srv, "/t/" + a2["token"])
    check(st == 200, "the ticket page: %d" % st)
    check('id="number">%s<' % a2["number"] in body, "the number on the page")
    check('id="ahead">1<' in body, "one ahead")
    check("预计等候" in body and "lang=\"zh-CN\"" in body, "Chinese by default, with the wait")
    csp = h.get("Content-Security-Policy", "")
    check("default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp,
          "CSP without inline script: " + csp)
    check(h.get("X-Content-Type-Options") == "nosniff", "nosniff")
    check(h.get("Referrer-Policy") == "no-referrer", "no referrer")
    check("Server" not in h and "microhttpd" not in json.dumps(h).lower(), "no server version")
    check("no-store" in h.get("Cache-Control", ""), "not cached")
    check("<script>" not in body and "onclick" not in body, "no inline script")
    st, body, _ = get(srv, "/t/%s?lang=en" % a2["token"])
    check(st == 200 and "ahead of you" in body and 'lang="en"' in body, "English on the switch")
    st, js, h = get(srv, "/app.js")
    check(st == 200 and "EventSource" in js and h["Content-Type"].startswith("text/javascript"),
          "the script")
    st, body, _ = get(srv, "/hall")
    check(st == 200 and 'id="windows"' in body and "行政审批" in body, "the hall page")
    st, body, _ = get(srv, "/healthz")
    check(st == 200 and body == "ok\n", "healthz")
    check(a2["number"] not in get(srv, "/hall")[1] or True, "hall page")

    # ---- wrong tokens all look alike ----
    notfound = get(srv, "/t/" + "A" * 22)
    check(notfound[0] == 404 and "未找到该号票" in notfound[1], "an unknown token: 404")
    for path in ("/t/" + a2["number"], "/t/" + a2["token"][:-1], "/t/" + a2["token"] + "x",
                 "/t/" + a2["token"][:-1] + "!", "/t/", "/t/%s/other" % a2["token"]):
        st, body, _ = get(srv, path)
        check(st == 404 and body == notfound[1], "%s is the same 404" % path)
    check(get(srv, "/nothing")[0] == 404, "a random path")
    check(get(srv, "/t/%s/events" % ("B" * 22))[0] == 404, "no stream for an unknown token")

    # ---- SSE: live, and a reconnect misses nothing ----
    ev = SSE(srv, "/t/%s/events" % a2["token"])
    check(ev.status == 200 and "text/event-stream" in ev.headers, "the stream")
    m = ev.message()
    check(m["event"] == "state" and 'id="ahead">1<' in m["data"], "first message: the page now")
    t0 = time.monotonic()
    q("call", "--window", "1")
    m = ev.message()
    dt = time.monotonic() - t0
    check('id="ahead">0<' in m["data"] and dt < 1.0, "a call reaches the stream in %.3f s" % dt)
    last = int(m["id"])
    ev.close()
    q("noshow", "--window", "1")
    q("call", "--window", "1")
    q("start", "--window", "1")
    ev = SSE(srv, "/t/%s/events" % a2["token"], last_id=last)
    m = ev.message()
    check('data-state="serving"' in m["data"] and int(m["id"]) > last,
          "after a reconnect: serving, id %s > %d" % (m.get("id"), last))
    check("叫号 1号窗口" in m["data"] and "开始办理" in m["data"],
          "the steps missed while away are on it")
    q("finish", "--window", "1", "--outcome", "supplement", "--note", "缺少材料：户口簿；照片")
    m = ev.message()
    check('data-state="finished"' in m["data"] and "户口簿" in m["data"] and 'id="rate"' in m["data"],
          "finished: the missing papers and the form, live")
    ev.close()

    # ---- the rating form ----
    page = get(srv, "/t/" + a2["token"])[1]
    form = page.split('name="form" value="')[1].split('"')[0]
    rate = "/t/%s/rate" % a2["token"]
    st, body, _ = post(srv, rate, ["score=5"])
    check(st == 400 and "过期" in body, "no form token: refused")
    st, body, _ = post(srv, rate, ["form=" + form, "score=1"])
    check(st == 400 and "原因" in body, "非常不满意 without a reason: refused")
    st, body, _ = post(srv, rate, ["form=" + form, "score=9"])
    check(st == 400, "a score out of range")
    st, body, _ = post(srv, rate, ["form=" + form, "score=2", "reason=77"])
    check(st == 400, "no such reason")
    st, body, _ = post(srv, rate, ["form=" + form, "score=2", "reason=1", "text=" + "字" * 300])
    check(st == 400 and "200" in body, "text past the limit: " + body[-300:])
    st, body, h = post(srv, rate, ["form=" + form, "score=2", "reason=1", "reason=0",
                                   "text=%E4%BA%BA%E5%A4%AA%E5%A4%9A"])
    check(st == 303 and h.get("Location") == "/t/" + a2["token"], "rated: %d" % st)
    st, body, _ = post(srv, rate, ["form=" + form, "score=5"])
    check(st == 409 and "已经评价过了" in body, "a second rating: already rated: %d %s" % (st, body[-400:]))
    st, body, _ = get(srv, "/t/" + a2["token"])
    check('id="rated"' in body and 'id="rate"' not in body, "the page says it was rated")
    _, out, _ = q("events", "--json")
    rated = [json.loads(x) for x in out.splitlines() if '"rated"' in x]
    check(len(rated) == 1, "one rated event")
    if rated:
        d = rated[0]
        check(d.get("channel") == "qr" and d.get("device") == "web" and d.get("score") == 2,
              "channel qr, device web: %s" % d)
        check("态度" in d.get("reason", "") or "、" in d.get("reason", ""),
              "the ticked reasons, in the hall's words: %s" % d.get("reason"))
        check("人太多" in d.get("reason", ""), "and the text")
    st, body, _ = post(srv, "/t/%s/rate" % a1["token"], ["form=x", "score=5"])
    check(st == 400 and 'id="rate"' not in body, "another ticket's page: no form to misuse")

    # ---- limits ----
    big = "score=5&text=" + "a" * 5000
    st, _, _ = post(srv, rate, big)
    check(st == 413, "a body over 4 KB: %d" % st)
    st, _, _ = get(srv, "/t/" + "a" * 600)
    check(st == 414, "a long URL: %d" % st)
    st, _, _ = get(srv, "/healthz", method="PUT")
    check(st == 405, "PUT: %d" % st)
    st, _, _ = get(srv, "/t/%s/rate" % a2["token"])
    check(st == 405, "GET of the form's target: %d" % st)
    try:
        st, _, _ = get(srv, "/healthz", headers={"X-Junk": "j" * 20000})
    except (OSError, http.client.HTTPException):
        st = 0
    check(st in (0, 400, 413, 431), "headers over the connection's memory: %d" % st)
    rnd = random.Random(7)
    for _ in range(50):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=2)
        s.sendall(bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400))) + b"\r\n\r\n")
        s.close()
    check(get(srv, "/healthz")[0] == 200, "random bytes: still serving")

    # One address may hold 64 connections; slow clients (a header line
    # every 2 s) and idle ones hold only their own slots.
    held = []
    for i in range(80):
        try:
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", srv.port))
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            held.append(s)
        except OSError:
            pass
    time.sleep(0.3)
    alive = 0
    for s in held:
        try:
            s.settimeout(0.01)
            if s.recv(1) == b"":
                continue
        except socket.timeout:
            alive += 1
        except OSError:
            continue
    check(alive <= 64, "at most 64 from one address: %d held" % alive)
    t0 = time.monotonic()
    st = get(srv, "/healthz")[0]
    check(st == 200 and time.monotonic() - t0 < 0.5, "another address is served meanwhile")
    for s in held[:10]:
        try:
            s.sendall(b"X-Slow: 1\r\n")
        except OSError:
            pass
    for s in held:
        s.close()

    # 2,000 idle connections from many addresses, and the page still loads.
    idle = []
    for i in range(2000):
        s = socket.socket()
        s.setblocking(False)
        s.bind(("127.0.%d.%d" % (1 + i // 60, 2 + i % 60), 0))
        try:
            s.connect(("127.0.0.1", srv.port))
        except BlockingIOError:
            pass
        idle.append(s)
    time.sleep(1.0)
    t0 = time.monotonic()
    st, body, _ = get(srv, "/t/" + a1["token"])
    dt = time.monotonic() - t0
    check(st == 200 and dt < 1.0, "with 2,000 idle connections a page loads in %.3f s" % dt)
    for s in idle:
        s.close()

    # ---- tokens of earlier days: for rating, then gone ----
    check(srv.stop() == 0, "SIGTERM: a clean stop")
    later = Server(now=NOW.replace("2026-11-25", "2026-11-30"))
    st, body, _ = get(later, "/t/" + a2["token"])
    check(st == 200 and 'id="rated"' in body, "a ticket 5 days on: still there (rating window)")
    st, body, _ = get(later, "/t/" + a1["token"])
    check(st == 200 and "已过期" in body, "an unfinished one of that day: expired")
    later.stop()
    gone = Server(now=NOW.replace("2026-11-25", "2026-12-03"))
    st, body, _ = get(gone, "/t/" + a2["token"])
    check(st == 404 and body == notfound[1], "past [rating] late_days: the plain 404")
    gone.stop()

    tls_checks()

    print("%d passed, %d failed" % (PASS, FAIL))
    sys.exit(1 if FAIL else 0)


if __name__ == "__main__":
    main()
