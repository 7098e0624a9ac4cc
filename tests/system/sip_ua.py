"""A minimal SIP user agent for black-box tests: REGISTER and MESSAGE with
digest authentication (RFC 3261 §22, RFC 7616: MD5 and SHA-256), and
answering requests the box sends (incoming MESSAGE)."""

import hashlib
import random
import re
import socket
import sys

from sip_util import header, status_of


def _h(alg, text):
    fn = hashlib.sha256 if alg.upper() == "SHA-256" else hashlib.md5
    return fn(text.encode()).hexdigest()


def _transaction_of(msg):
    """(Call-ID, CSeq) of a request or response: which request it is."""
    cseq = " ".join((header(msg, "CSeq") or "").split())
    return header(msg, "Call-ID", "i"), cseq


def parse_challenges(resp, name):
    """All Digest challenges of header `name` as dicts, in order."""
    out = []
    for line in resp.split(b"\r\n\r\n")[0].split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() != name.lower().encode():
            continue
        v = v.strip().decode()
        if not v.lower().startswith("digest "):
            continue
        params = {m[0].lower(): m[1] or m[2] for m in
                  re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', v[7:])}
        params.setdefault("algorithm", "MD5")
        out.append(params)
    return out


def authorization(ch, method, uri, user, password, nc=1, cnonce=None):
    alg = ch["algorithm"]
    cnonce = cnonce or "%08x" % random.getrandbits(32)
    ha1 = _h(alg, "%s:%s:%s" % (user, ch["realm"], password))
    ha2 = _h(alg, "%s:%s" % (method, uri))
    ncs = "%08x" % nc
    resp = _h(alg, ":".join([ha1, ch["nonce"], ncs, cnonce, "auth", ha2]))
    return ('Digest username="%s", realm="%s", nonce="%s", uri="%s", '
            'response="%s", algorithm=%s, qop=auth, nc=%s, cnonce="%s"'
            % (user, ch["realm"], ch["nonce"], uri, resp, alg, ncs, cnonce))


class UA:
    """One UDP (or TCP) socket: a phone or softphone of user `user`."""

    def __init__(self, box_port, user, password, transport="udp",
                 domain="127.0.0.1", host="127.0.0.1"):
        self.box = ("127.0.0.1", box_port)
        self.host = host  # the phone's own address
        self.user, self.password, self.domain = user, password, domain
        self.transport = transport
        if transport == "udp":
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.sock.bind((host, 0))
        else:
            self.sock = socket.create_connection(self.box, timeout=10)
            if transport == "tls":
                import ssl
                ctx = ssl.create_default_context()
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE  # the box's self-signed one
                self.sock = ctx.wrap_socket(self.sock)
            self.buf = b""
        self.port = self.sock.getsockname()[1]
        self.cseq = 0
        self.call_id = "ua-%x" % random.getrandbits(64)
        self.tag = "%x" % random.getrandbits(32)

    # -- wire -----------------------------------------------------------------

    def send(self, data):
        self.last_sent = data
        if self.transport == "udp":
            self.sock.sendto(data, self.box)
        else:
            self.sock.sendall(data)

    def recv(self, timeout=10.0):
        self.sock.settimeout(timeout)
        try:
            if self.transport == "udp":
                return self.sock.recvfrom(65535)[0]
            while True:
                end = self.buf.find(b"\r\n\r\n")
                if end >= 0:
                    m = re.search(rb"(?i)\r\n(?:content-length|l)\s*:\s*(\d+)",
                                  self.buf[:end + 2])
                    total = end + 4 + (int(m.group(1)) if m else 0)
                    if len(self.buf) >= total:
                        msg, self.buf = self.buf[:total], self.buf[total:]
                        return msg
                chunk = self.sock.recv(65536)
                if not chunk:
                    return None
                self.buf += chunk
        except socket.timeout:
            return None

    def final(self, timeout=10.0):
        while True:
            r = self.recv(timeout)
            if r is None or r.startswith(b"SIP/2.0") and status_of(r) >= 200:
                return r

    def final_to_last(self, timeout=10.0):
        """The final response to the last request sent (same Call-ID and
        CSeq): an answer meant for another request, such as one to an
        earlier socket on this port, is skipped."""
        want = _transaction_of(self.last_sent)
        while True:
            r = self.final(timeout)
            if r is None or _transaction_of(r) == want:
                return r
            sys.stderr.write("sip_ua: skipped an answer to another request: "
                             "%r\n" % r[:120])

    def close(self):
        self.sock.close()

    # -- requests -------------------------------------------------------------

    def request(self, method, ruri, extra="", body=b"", from_user=None,
                call_id=None, to_uri=None):
        self.cseq += 1
        tp = self.transport.upper()
        from_user = from_user or self.user
        head = ("%s %s SIP/2.0\r\n"
                "Via: SIP/2.0/%s %s:%d;branch=z9hG4bK-%x;rport\r\n"
                "Max-Forwards: 70\r\n"
                "From: <sip:%s@%s>;tag=%s\r\n"
                "To: <%s>\r\n"
                "Call-ID: %s\r\n"
                "CSeq: %d %s\r\n%s"
                "Content-Length: %d\r\n\r\n"
                % (method, ruri, tp, self.host, self.port,
                   random.getrandbits(48),
                   from_user, self.domain, self.tag, to_uri or ruri,
                   call_id or self.call_id, self.cseq, method, extra,
                   len(body)))
        return head.encode() + body

    def with_auth(self, method, ruri, extra="", body=b"", algorithm="MD5",
                  password=None, **kw):
        """Sends a request, answers a 401/407 challenge once, returns the
        final response."""
        self.send(self.request(method, ruri, extra, body, **kw))
        r = self.final_to_last()
        code = status_of(r) if r else None
        if code not in (401, 407):
            return r
        name = "WWW-Authenticate" if code == 401 else "Proxy-Authenticate"
        chs = [c for c in parse_challenges(r, name)
               if c["algorithm"].upper() == algorithm.upper()]
        assert chs, "no %s challenge in %r" % (algorithm, r)
        auth = authorization(chs[0], method, ruri, self.user,
                             password or self.password)
        hdr = "Authorization" if code == 401 else "Proxy-Authorization"
        self.send(self.request(method, ruri,
                               extra + "%s: %s\r\n" % (hdr, auth), body, **kw))
        return self.final_to_last()

    def register(self, expires=3600, algorithm="MD5", password=None):
        contact = "<sip:%s@%s:%d%s>" % (
            self.user, self.host, self.port,
            "" if self.transport == "udp" else ";transport=" + self.transport)
        return self.with_auth(
            "REGISTER", "sip:%s" % self.domain,
            "Contact: %s\r\nExpires: %d\r\n" % (contact, expires),
            algorithm=algorithm, password=password,
            to_uri="sip:%s@%s" % (self.user, self.domain))

    def message(self, to, text, content_type="text/plain", extra="",
                algorithm="MD5"):
        body = text.encode() if isinstance(text, str) else text
        return self.with_auth(
            "MESSAGE", "sip:%s@%s" % (to, self.domain),
            "Content-Type: %s\r\n%s" % (content_type, extra), body,
            algorithm=algorithm, call_id="msg-%x" % random.getrandbits(64))

    # -- answering ------------------------------------------------------------

    def receive_request(self, method="MESSAGE", answer=200, timeout=10.0):
        """Waits for a request of `method`; answers it (unless `answer` is
        None); returns it."""
        while True:
            r = self.recv(timeout)
            if r is None:
                return None
            if r.startswith(method.encode() + b" "):
                if answer is not None:
                    self.answer(r, answer)
                return r

    def answer(self, req, code, reason="OK"):
        head = req.split(b"\r\n\r\n")[0].split(b"\r\n")
        keep = [l for l in head[1:] if re.match(
            rb"(?i)(via|v|from|f|to|t|call-id|i|cseq)\s*:", l)]
        keep = [l + (b";tag=ua%x" % random.getrandbits(16))
                if re.match(rb"(?i)(to|t)\s*:", l) and b"tag=" not in l else l
                for l in keep]
        self.send(b"SIP/2.0 %d %s\r\n" % (code, reason.encode())
                  + b"\r\n".join(keep) + b"\r\nContent-Length: 0\r\n\r\n")


def body_of(msg):
    return msg.split(b"\r\n\r\n", 1)[1]
