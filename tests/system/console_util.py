"""What the console's system tests share: driving ivm-console under an
Xvfb of their own with xdotool, the admin API with the box's token, and
reading the PNGs the console writes."""

import json
import os
import struct
import subprocess
import zlib

CONSOLE = os.environ.get("IVM_CONSOLE", "")


def png_pixels(path):
    """(width, height, raw scanlines) of an 8-bit RGB PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    i, idat, w, h = 8, b"", 0, 0
    while i < len(data):
        n, kind = struct.unpack("!I4s", data[i:i + 8])
        chunk = data[i + 8:i + 8 + n]
        if kind == b"IHDR":
            w, h = struct.unpack("!II", chunk[:8])
        elif kind == b"IDAT":
            idat += chunk
        i += 12 + n
    return w, h, zlib.decompress(idat)


class ConsoleDriver:
    """Mixed into a unittest.TestCase whose class has `box` (a started
    Appliance), `token` (its admin token) and `display` (an Xvfb's)."""

    @classmethod
    def api(cls, method, path, body=None):
        headers = {"Authorization": "Bearer " + cls.token,
                   "Content-Type": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        s, raw = cls.box.http(method, path, data, headers)
        return s, raw.decode()

    def env(self):
        return dict(os.environ, DISPLAY=self.display)

    def console_args(self, *extra):
        return [CONSOLE, "--url", "http://127.0.0.1:%d" % self.box.admin_port,
                "--token", self.token] + list(extra)

    def xdo(self, *args):
        r = subprocess.run(["xdotool"] + list(args), env=self.env(),
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def focus_console(self):
        # Visible: focusing a window not mapped yet is an X error.
        win = self.xdo("search", "--sync", "--onlyvisible", "--name",
                       "IVM appliance")
        self.xdo("windowfocus", "--sync", win.split()[0])
