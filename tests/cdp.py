#!/usr/bin/env python3
"""cdp.py: a headless Chromium for the scripts, as a phone would show a page.

Started once by a script (bash `coproc`), it starts Chromium with
--remote-debugging-pipe (commands NUL-terminated on the browser's fd 3,
replies and events on its fd 4: no websocket, no module outside the
standard library), opens one tab in a session of its own (flatten=true),
and then answers one command a line on stdin, one line on stdout:

    open URL              navigate and wait for the load event
    eval JS               the value of the expression JS
    wait MS JS            JS every 50 ms until it is truthy, at most MS ms,
                          without reloading: what the page does by itself
    sse MS N              wait at most MS ms until the page's EventSources
                          got N messages in all (the stream is up)
    shot FILE [full]      a PNG of the viewport (full: of the whole page)
    quit                  close the browser

A reply is "ok<TAB>TEXT", "timeout<TAB>TEXT" (wait: the last value) or
"err<TAB>WHY".  TEXT is a string as it is (a newline becomes "\\n"), any
other value as JSON, and for wait the milliseconds it took first:
"ok<TAB>120<TAB>true".  The first line is "ready<TAB>PID", PID the
browser's, so the script can end it even if this helper is killed.
"""
import argparse
import base64
import fcntl
import json
import os
import select
import subprocess
import sys
import time


class Browser:
    def __init__(self, chrome, profile, width, height, log):
        # The two pipes go to the browser as its fds 3 and 4: moved up out of
        # the way first, then put there for the child only (pass_fds).
        cmd_r, cmd_w = (_high(fd) for fd in os.pipe())
        res_r, res_w = (_high(fd) for fd in os.pipe())
        saved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) if _fd_open(fd) else None
                 for fd in (3, 4)]
        os.dup2(cmd_r, 3)
        os.dup2(res_w, 4)
        try:
            self.proc = subprocess.Popen(
                [chrome, "--headless", "--no-sandbox", "--disable-gpu",
                 "--remote-debugging-pipe", "--user-data-dir=" + profile,
                 "--window-size=%d,%d" % (width, height),
                 "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--password-store=basic", "--use-mock-keychain",
                 "about:blank"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, pass_fds=(3, 4))
        finally:
            for fd, keep in zip((3, 4), saved):
                if keep is None:
                    os.close(fd)
                else:
                    os.dup2(keep, fd)
                    os.close(keep)
            os.close(cmd_r)
            os.close(res_w)
        self.w, self.r = cmd_w, res_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.sse = 0
        self.session = None
        self.width, self.height = width, height

    def _read_one(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from the browser")
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise EOFError("the browser closed its pipe (exit %s)" % self.proc.poll())
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        m = json.loads(msg)
        if m.get("method") == "Network.eventSourceMessageReceived":
            self.sse += 1
            return {}
        return m

    def call(self, method, params=None, session=True, timeout=20.0):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.w, data):]
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_one(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method, timeout=20.0):
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m["method"] == method and m.get("sessionId") == self.session:
                    del self.events[i]
                    return m.get("params", {})
            m = self._read_one(deadline)
            if "method" in m:
                self.events.append(m)

    def start(self):
        self.call("Browser.getVersion", session=False, timeout=30.0)
        tid = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": tid, "flatten": True},
                                 session=False)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.call("Network.enable")
        # A phone: its width, a touch screen, the page's viewport meta obeyed.
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1,
                   "mobile": True})
        self.call("Emulation.setTouchEmulationEnabled", {"enabled": True})

    def open(self, url):
        self.events = [m for m in self.events if m["method"] != "Page.loadEventFired"]
        r = self.call("Page.navigate", {"url": url})
        if r.get("errorText"):
            raise RuntimeError("navigate: " + r["errorText"])
        self.wait_event("Page.loadEventFired")

    def eval(self, js):
        r = self.call("Runtime.evaluate", {"expression": js, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise RuntimeError("eval: " + d.get("exception", {}).get("description", d.get("text")))
        return r["result"].get("value")

    def wait(self, ms, js):
        t0 = time.monotonic()
        while True:
            try:
                last = self.eval(js)
                good = bool(last)
            except RuntimeError as e:
                last, good = str(e), False    # a page being replaced: not there yet
            took = int((time.monotonic() - t0) * 1000)
            if good:
                return "ok", took, last
            if took >= ms:
                return "timeout", took, last
            time.sleep(0.05)

    def messages(self, ms, n):
        deadline = time.monotonic() + ms / 1000.0
        while self.sse < n:
            try:
                m = self._read_one(deadline)
            except TimeoutError:
                return "timeout", self.sse
            if "method" in m:
                self.events.append(m)
        return "ok", self.sse

    def shot(self, path, full=False):
        p = {"format": "png"}
        if full:
            # The whole page, as far as the citizen would scroll.
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            p.update(captureBeyondViewport=True,
                     clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                           "scale": 1})
        r = self.call("Page.captureScreenshot", p)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        return path

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=5.0)
        except Exception:
            pass
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _high(fd):
    # Out of the way of 3 and 4, and not inherited by the browser.
    n = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return n


def _fd_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def text(v):
    s = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
    return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", " ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--chrome", default="chromium")
    ap.add_argument("--profile", required=True)
    ap.add_argument("--size", default="412,915")
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    w, h = (int(x) for x in a.size.split(","))
    # Not on 3 or 4 either, where the browser's pipes go.
    log = _high(os.open(a.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644))
    b = Browser(a.chrome, a.profile, w, h, log)
    os.close(log)
    out = sys.stdout
    try:
        b.start()
        print("ready\t%d" % b.proc.pid, file=out, flush=True)
        for line in sys.stdin:
            verb, _, arg = line.rstrip("\n").partition(" ")
            try:
                if verb == "quit":
                    break
                elif verb == "open":
                    b.open(arg)
                    reply = "ok\t" + text(arg)
                elif verb == "eval":
                    reply = "ok\t" + text(b.eval(arg))
                elif verb == "wait":
                    ms, _, js = arg.partition(" ")
                    st, took, last = b.wait(int(ms), js)
                    reply = "%s\t%d\t%s" % (st, took, text(last))
                elif verb == "sse":
                    ms, _, n = arg.partition(" ")
                    st, got = b.messages(int(ms), int(n))
                    reply = "%s\t%d" % (st, got)
                elif verb == "shot":
                    path, _, how = arg.partition(" ")
                    reply = "ok\t" + text(b.shot(path, how == "full"))
                else:
                    reply = "err\tno command " + text(verb)
            except (RuntimeError, TimeoutError, ValueError) as e:
                reply = "err\t" + text(str(e))
            print(reply, file=out, flush=True)
    except (EOFError, TimeoutError, RuntimeError) as e:
        print("err\t" + text(str(e)), file=out, flush=True)
        return 1
    finally:
        b.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
